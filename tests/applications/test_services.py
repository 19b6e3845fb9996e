import hashlib
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from stplan.accounts.models import RecommenderKind, Unit
from stplan.applications import services
from stplan.applications.models import (
    ApplicationEvent,
    ApplicationVersion,
    FindingOverride,
    LimitSlot,
    Status,
)
from stplan.demo.builders import application_form
from stplan.errors import ServiceError
from tests.world import (
    LeaderFactory,
    OfficerFactory,
    RecommenderFactory,
    RecommenderUnitFactory,
    UnitAdminFactory,
    UnitFactory,
    direction,
    draft_25,
    open_guide,
    recommended_6,
    set_call_window,
    submitted_25,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide():
    return open_guide()


def _canonical(snapshot):
    return hashlib.sha256(
        json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


def test_version_records_the_sha256_of_the_guide_data_it_was_checked_against(guide):
    version = submitted_25(guide=guide).versions.get()
    assert len(guide.data_sha256) == 64
    assert version.guide_sha256 == version.snapshot["guide_sha256"] == guide.data_sha256
    # In the snapshot, so the version's own SHA-256 covers it.
    assert version.sha256 == _canonical(version.snapshot)


def test_lead_unit_outside_the_guides_city_is_frozen_as_not_local(guide):
    leader = LeaderFactory(unit=UnitFactory(city="柳州市", county=""))
    # No county of the city's: recommended by a recommender bound to none.
    department = RecommenderUnitFactory(county="", recommender_kind=RecommenderKind.DEPARTMENT)
    version = submitted_25(guide=guide, leader=leader, recommender=department).versions.get()
    assert version.snapshot["facts"]["lead"]["in_guilin"] is False
    assert submitted_25(guide=guide).versions.get().snapshot["facts"]["lead"]["in_guilin"] is True


def _through_recommendation(application):
    unit_admin = UnitAdminFactory(unit=application.lead_unit)
    recommender = RecommenderFactory(unit=application.recommender)
    application = services.transition(application=application, action="unit_approve", actor=unit_admin)
    return services.transition(application=application, action="recommend", actor=recommender)


def test_submit_freezes_version_one_identified_by_its_sha256(guide):
    application = submitted_25(guide=guide)
    version = ApplicationVersion.objects.get(application=application)
    assert application.status == Status.SUBMITTED
    assert version.number == 1
    assert version.sha256 == _canonical(version.snapshot)
    assert version.snapshot["facts"]["funding"] == {"requested": 50000, "matching": 50000}
    assert sorted(a["code"] for a in version.snapshot["attachments"]) == [
        "doctorate_certificate",
        "guilin_arrival_proof",
        "id_card",
        "matching_commitment",
    ]


def test_submit_writes_one_audit_row_with_actor_and_states(guide):
    application = submitted_25(guide=guide)
    event = ApplicationEvent.objects.get(application=application)
    assert (event.actor, event.action, event.from_status, event.to_status, event.version) == (
        application.leader,
        "submit",
        "draft",
        "submitted",
        1,
    )


def test_submit_refused_with_the_guide_clause_when_matching_is_short(guide):
    application = draft_25(guide=guide, self_raised=10000, requested=50000)
    with pytest.raises(services.SubmissionRefused) as refused:
        services.transition(application=application, action="submit", actor=application.leader)
    assert [(f.rule, f.clause) for f in refused.value.findings] == [("matching", "方向25 申报要求2")]
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert not ApplicationEvent.objects.filter(application=application).exists()
    assert not LimitSlot.objects.filter(application=application).exists()


def test_submit_refused_while_the_form_is_incomplete(guide):
    leader = LeaderFactory()
    application = services.create_application(actor=leader, direction=direction(guide, 25))
    services.save_draft(
        application=application, actor=leader, data=MultiValueDict({"basic-title": ["只填了名称"]})
    )
    with pytest.raises(services.SubmissionRefused, match="尚未填写完整") as refused:
        services.transition(application=application, action="submit", actor=leader)
    assert "项目摘要：这个字段是必填项。" in [p.message for p in refused.value.problems]


def test_transition_outside_the_table_is_refused(guide):
    application = submitted_25(guide=guide)
    recommender = RecommenderFactory(unit=application.recommender)
    with pytest.raises(ServiceError, match="不能推荐"):
        services.transition(application=application, action="recommend", actor=recommender)
    assert ApplicationEvent.objects.filter(application=application).count() == 1


def test_transition_by_another_units_admin_is_refused(guide):
    application = submitted_25(guide=guide)
    with pytest.raises(ServiceError, match="没有权限"):
        services.transition(application=application, action="unit_approve", actor=UnitAdminFactory())
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_return_requires_a_reason(guide):
    application = submitted_25(guide=guide)
    unit_admin = UnitAdminFactory(unit=application.lead_unit)
    with pytest.raises(ServiceError, match="单位退回修改须填写理由"):
        services.transition(application=application, action="unit_return", actor=unit_admin, reason="  ")


def test_audit_rows_cannot_be_changed_or_deleted(guide):
    event = ApplicationEvent.objects.get(application=submitted_25(guide=guide))
    event.reason = "篡改"
    with pytest.raises(ValueError, match="不可修改"):
        event.save()
    with pytest.raises(ValueError, match="不可删除"):
        event.delete()


def test_resubmission_after_return_adds_version_two_and_keeps_version_one(guide):
    application = _through_recommendation(submitted_25(guide=guide))
    officer = OfficerFactory()
    application = services.transition(
        application=application, action="formal_return", actor=officer, reason="请补充"
    )
    first = ApplicationVersion.objects.get(application=application, number=1)
    data = MultiValueDict(application.form)
    data.setlist("basic-title", ["修改后的项目名称"])
    services.save_draft(application=application, actor=application.leader, data=data)
    application = services.transition(application=application, action="resubmit", actor=application.leader)
    versions = list(ApplicationVersion.objects.filter(application=application).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].sha256 == first.sha256 == _canonical(versions[0].snapshot)
    assert versions[0].snapshot["facts"]["title"] == "新型柔性传感材料研究"
    assert versions[1].snapshot["facts"]["title"] == "修改后的项目名称"
    assert application.status == Status.SUBMITTED


def test_frozen_version_cannot_be_saved_again(guide):
    version = ApplicationVersion.objects.get(application=submitted_25(guide=guide))
    with pytest.raises(ValueError, match="不可修改"):
        version.save()


def test_submission_before_the_call_opens_is_refused(guide):
    application = draft_25(guide=guide)
    set_call_window(guide, opens_at=timezone.now() + timedelta(days=1))
    with pytest.raises(services.SubmissionRefused, match="尚未开始"):
        services.transition(application=application, action="submit", actor=application.leader)


def test_submission_after_the_deadline_is_refused(guide):
    application = draft_25(guide=guide)
    set_call_window(guide, closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.SubmissionRefused, match=r"已于.*截止"):
        services.transition(application=application, action="submit", actor=application.leader)


def test_returned_application_may_be_resubmitted_within_the_revision_period_after_the_deadline(guide):
    application = submitted_25(guide=guide)
    unit_admin = UnitAdminFactory(unit=application.lead_unit)
    application = services.transition(
        application=application, action="unit_return", actor=unit_admin, reason="补材料"
    )
    guide.revision_days = 7
    guide.save(update_fields=["revision_days"])
    set_call_window(guide, closes_at=timezone.now() - timedelta(minutes=1))
    application = services.transition(application=application, action="resubmit", actor=application.leader)
    assert application.status == Status.SUBMITTED


def test_returned_application_after_the_revision_period_is_refused(guide):
    application = submitted_25(guide=guide)
    unit_admin = UnitAdminFactory(unit=application.lead_unit)
    application = services.transition(
        application=application, action="unit_return", actor=unit_admin, reason="补材料"
    )
    application.returned_at = timezone.now() - timedelta(days=8)
    application.save()
    guide.revision_days = 7
    guide.save(update_fields=["revision_days"])
    set_call_window(guide, closes_at=timezone.now() - timedelta(days=1))
    with pytest.raises(services.SubmissionRefused, match="已超过期限"):
        services.transition(application=application, action="resubmit", actor=application.leader)


def test_returned_application_after_the_revision_period_cannot_be_changed(guide):
    application = submitted_25(guide=guide)
    unit_admin = UnitAdminFactory(unit=application.lead_unit)
    application = services.transition(
        application=application, action="unit_return", actor=unit_admin, reason="补材料"
    )
    guide.revision_days = 0
    guide.save(update_fields=["revision_days"])
    set_call_window(guide, closes_at=timezone.now() - timedelta(minutes=1))
    application.refresh_from_db()
    assert not application.leader.has_perm("applications.change_application", application)
    with pytest.raises(ServiceError, match=r"^该申报书当前不可修改。$"):
        services.save_draft(
            application=application, actor=application.leader, data=MultiValueDict({"basic-title": ["改"]})
        )
    application.refresh_from_db()
    assert application.title != "改"


def test_draft_after_the_deadline_cannot_be_changed(guide):
    application = draft_25(guide=guide)
    set_call_window(guide, closes_at=timezone.now() - timedelta(minutes=1))
    application.refresh_from_db()
    assert not application.leader.has_perm("applications.change_application", application)


def test_sixth_submission_of_one_unit_in_direction_25_is_refused_until_one_is_withdrawn(guide):
    unit = UnitFactory()
    submitted = [submitted_25(guide=guide, leader=LeaderFactory(unit=unit)) for _ in range(5)]
    sixth = draft_25(guide=guide, leader=LeaderFactory(unit=unit))
    with pytest.raises(services.SubmissionRefused) as refused:
        services.transition(application=sixth, action="submit", actor=sixth.leader)
    (finding,) = refused.value.findings
    assert (finding.rule, finding.clause) == ("per_unit_limit", "方向25 申报要求4")
    assert finding.message.startswith("每个单位限报5项：按提交时间，这是")
    services.transition(application=submitted[2], action="withdraw", actor=submitted[2].leader)
    sixth = services.transition(application=sixth, action="submit", actor=sixth.leader)
    assert sixth.status == Status.SUBMITTED
    assert sorted(LimitSlot.objects.filter(key=unit.credit_code).values_list("slot", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
    ]


def test_other_units_do_not_share_a_units_places(guide):
    unit = UnitFactory()
    for _ in range(5):
        submitted_25(guide=guide, leader=LeaderFactory(unit=unit))
    assert submitted_25(guide=guide).status == Status.SUBMITTED


def test_formal_pass_over_a_registry_error_needs_a_written_reason_which_is_recorded(guide):
    application = recommended_6(guide)
    Unit.objects.filter(pk=application.lead_unit_id).update(kind="institute")
    officer = OfficerFactory(section="高新技术科")
    with pytest.raises(ServiceError, match=r"方向6 申报要求：本方向限企业牵头申报.*未处理"):
        services.transition(application=application, action="formal_pass", actor=officer)
    (error,) = [f.as_dict() for f in services.recheck(application).findings if f.severity == "error"]
    key = services.override_key(error)
    application = services.transition(
        application=application,
        action="formal_pass",
        actor=officer,
        overrides={key: "企业性质变更系登记错误，已核对营业执照，仍为企业。"},
    )
    override = FindingOverride.objects.get(application=application)
    assert application.status == Status.PASSED
    assert (override.rule, override.clause, override.officer) == ("lead_kinds", "方向6 申报要求", officer)
    assert override.reason == "企业性质变更系登记错误，已核对营业执照，仍为企业。"


def test_formal_pass_without_automatic_errors_needs_no_override(guide):
    application = _through_recommendation(submitted_25(guide=guide))
    application = services.transition(application=application, action="formal_pass", actor=OfficerFactory())
    assert application.status == Status.PASSED
    assert not FindingOverride.objects.exists()


def test_officer_of_another_section_cannot_decide(guide):
    application = _through_recommendation(submitted_25(guide=guide))
    with pytest.raises(ServiceError, match="没有权限"):
        services.transition(
            application=application, action="formal_pass", actor=OfficerFactory(section="农业农村科技科")
        )


def test_rejection_gives_back_the_place_under_the_unit_limit(guide):
    application = _through_recommendation(submitted_25(guide=guide))
    assert LimitSlot.objects.filter(application=application).count() == 1
    services.transition(
        application=application, action="formal_reject", actor=OfficerFactory(), reason="不符合"
    )
    assert not LimitSlot.objects.filter(application=application).exists()


def test_submission_mails_the_leader_and_the_unit_admin(guide, django_capture_on_commit_callbacks):
    application = draft_25(guide=guide)
    unit_admin = UnitAdminFactory(unit=application.lead_unit)
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(application=application, action="submit", actor=application.leader)
    (message,) = mail.outbox
    assert sorted(message.to) == sorted([application.leader.email, unit_admin.email])
    assert message.subject == f"【科技计划项目管理系统】{application.number}「新型柔性传感材料研究」提交"


def test_recommendation_mails_the_section_officers(guide, django_capture_on_commit_callbacks):
    application = submitted_25(guide=guide)
    officer = OfficerFactory()
    OfficerFactory(section="农业农村科技科")
    with django_capture_on_commit_callbacks(execute=True):
        _through_recommendation(application)
    recommend_mail = mail.outbox[-1]
    assert sorted(recommend_mail.to) == sorted([application.leader.email, officer.email])


def _county_draft(guide, county):
    unit = UnitFactory(kind="government", county=county, qualifications=["innovative_county"])
    leader = LeaderFactory(unit=unit)
    application = services.create_application(actor=leader, direction=direction(guide, 33))
    form = application_form(
        today=timezone.localdate(),
        title="创新型县建设示范",
        years=2,
        requested=200000,
        self_raised=100000,
        leader_birth=timezone.localdate().replace(year=1980),
    )
    services.save_draft(application=application, actor=leader, data=MultiValueDict(form))
    return application


def test_place_follows_the_county_when_a_returned_application_is_resubmitted(guide):
    first = _county_draft(guide, "临桂区")
    first = services.transition(application=first, action="submit", actor=first.leader)
    first = services.transition(
        application=first, action="unit_return", actor=UnitAdminFactory(unit=first.lead_unit), reason="核对"
    )
    Unit.objects.filter(pk=first.lead_unit_id).update(county="灵川县")
    services.save_draft(application=first, actor=first.leader, data=MultiValueDict(first.form))
    services.transition(application=first, action="resubmit", actor=first.leader)
    assert list(LimitSlot.objects.filter(application=first).values_list("key", flat=True)) == [
        "广西壮族自治区/灵川县"
    ]
    second = _county_draft(guide, "临桂区")
    assert (
        services.transition(application=second, action="submit", actor=second.leader).status
        == Status.SUBMITTED
    )


def test_submission_mail_goes_when_the_title_has_a_line_break(guide, django_capture_on_commit_callbacks):
    application = draft_25(guide=guide, title="项目\r\n名称")
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(application=application, action="submit", actor=application.leader)
    (message,) = mail.outbox
    assert message.subject == f"【科技计划项目管理系统】{application.number}「项目 名称」提交"


def test_mail_subject_is_one_line_of_at_most_200_characters():
    from stplan.notifications import subject_line

    assert subject_line("甲\t乙\n\n丙\u2028丁  戊") == "【科技计划项目管理系统】甲 乙 丙 丁 戊"
    long = subject_line("长" * 300)
    assert (len(long), long[-2:]) == (200, "长…")
