from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from stplan.applications import services as applications
from stplan.applications.dossier import Dossier
from stplan.audit.models import HistoryIsAppendOnly
from stplan.challenges import services
from stplan.challenges.models import ItemStatus, ListVersion, NeedEvent, NeedStatus
from stplan.errors import ServiceError
from tests.world import (
    LeaderFactory,
    OfficerFactory,
    UnitAdminFactory,
    UnitFactory,
    challenge_draft,
    direction,
    item_fields,
    need_call,
    need_fields,
    open_guide,
    published_item,
    submitted_need,
)

pytestmark = pytest.mark.django_db
SECTION_1 = "发展规划与科技监督科"


@pytest.fixture
def guide():
    return open_guide()


def test_open_call_for_direction_without_challenge_is_refused(guide):
    with pytest.raises(ServiceError, match="方向6不实行“揭榜挂帅”"):
        need_call(guide, number=6)


def test_open_call_by_officer_of_other_section_is_refused(guide):
    now = timezone.now()
    with pytest.raises(ServiceError, match="只有该方向所属科室"):
        services.open_call(
            actor=OfficerFactory(section="高新技术科"),
            direction=direction(guide, 1),
            industry="先进装备制造",
            opens_at=now,
            closes_at=now + timedelta(days=1),
        )


def test_need_by_enterprise_is_submitted_through_the_kernel(guide):
    need = submitted_need(need_call(guide))

    assert need.status == NeedStatus.SUBMITTED
    assert list(NeedEvent.objects.filter(need=need).values_list("action", flat=True)) == ["edit", "submit"]


def test_need_by_university_is_refused(guide):
    person = UnitAdminFactory(unit=UnitFactory(kind="university"))
    with pytest.raises(ServiceError, match="只有注册审核通过的企业"):
        services.save_need(actor=person, call=need_call(guide), fields=need_fields(), targets={})


def test_need_submitted_after_the_call_closed_is_refused(guide):
    call = need_call(guide, opens_days_ago=10, closes_in_days=5)
    person = LeaderFactory(unit=UnitFactory(kind="enterprise"))
    need = services.save_need(actor=person, call=call, fields=need_fields(), targets={"new_product": 4})
    call.closes_at = timezone.now() - timedelta(minutes=1)
    call.save()

    with pytest.raises(ServiceError, match="现在不在征集期内"):
        services.transition_need(need=need, action="submit", actor=person)


def test_need_without_commitment_is_refused(guide):
    person = LeaderFactory(unit=UnitFactory(kind="enterprise"))
    with pytest.raises(ServiceError, match="请填写企业承诺投入"):
        services.save_need(actor=person, call=need_call(guide), fields=need_fields(commitment=0), targets={})


def test_need_with_unknown_metric_is_refused(guide):
    person = LeaderFactory(unit=UnitFactory(kind="enterprise"))
    with pytest.raises(ServiceError, match="指南没有这些考核指标：made_up"):
        services.save_need(actor=person, call=need_call(guide), fields=need_fields(), targets={"made_up": 1})


def test_need_return_without_reason_is_refused(guide):
    need = submitted_need(need_call(guide))
    with pytest.raises(ServiceError, match="退回修改须填写理由"):
        services.transition_need(need=need, action="return", actor=OfficerFactory(section=SECTION_1))


def test_need_returned_is_editable_and_resubmitted(guide):
    person = UnitAdminFactory(unit=UnitFactory(kind="enterprise"))
    need = submitted_need(need_call(guide), person=person)
    services.transition_need(
        need=need, action="return", actor=OfficerFactory(section=SECTION_1), reason="指标不具体"
    )
    need = services.save_need(
        actor=person, call=need.call, need=need, fields=need_fields(title="改后"), targets={}
    )
    need = services.transition_need(need=need, action="submit", actor=person)

    assert (need.status, need.title) == (NeedStatus.SUBMITTED, "改后")


def test_need_of_other_section_is_refused_with_section_message(guide):
    need = submitted_need(need_call(guide))
    with pytest.raises(ServiceError, match="不属于您所在科室统筹的方向"):
        services.transition_need(need=need, action="accept", actor=OfficerFactory(section="高新技术科"))


def test_need_merged_names_the_need_it_joins(guide):
    call = need_call(guide)
    first, second = submitted_need(call), submitted_need(call, title="伺服电机编码器")
    officer = OfficerFactory(section=SECTION_1)

    merged = services.transition_need(
        need=second, action="merge", actor=officer, reason="同一难题", into=first
    )

    assert (merged.status, merged.merged_into) == (NeedStatus.MERGED, first)
    assert NeedEvent.objects.get(need=second, action="merge").payload == {"into": f"{first.pk} {first.title}"}


def test_need_merged_into_itself_is_refused(guide):
    need = submitted_need(need_call(guide))
    with pytest.raises(ServiceError, match="请选择同一次征集中的另一项需求"):
        services.transition_need(
            need=need, action="merge", actor=OfficerFactory(section=SECTION_1), reason="重复", into=need
        )


def test_item_above_direction_amount_is_refused(guide):
    officer = OfficerFactory(section=SECTION_1)
    need = submitted_need(need_call(guide))
    services.transition_need(need=need, action="accept", actor=officer)

    with pytest.raises(ServiceError, match="超过方向1的资助金额（不超过800万元）"):
        services.create_item(
            actor=officer, need=need, fields=item_fields(amount_max=8_000_001), targets={"new_product": 4}
        )


def test_item_of_need_not_accepted_is_refused(guide):
    need = submitted_need(need_call(guide))
    with pytest.raises(ServiceError, match="不能列入榜单"):
        services.create_item(
            actor=OfficerFactory(section=SECTION_1),
            need=need,
            fields=item_fields(),
            targets={"new_product": 4},
        )


def test_item_published_makes_first_version(guide):
    item = published_item(guide)

    version = ListVersion.objects.get(direction=item.direction)
    assert (item.status, version.number, version.changes) == (
        ItemStatus.PUBLISHED,
        1,
        [f"新增：{item.code} {item.title}"],
    )
    assert version.items[0]["targets"] == [
        {"metric": "major_breakthrough", "label": "产业重大技术突破", "unit": "项", "min": 3},
        {"metric": "new_product", "label": "新产品", "unit": "个", "min": 4},
    ]


def test_item_revised_after_publication_makes_version_naming_the_change(guide):
    officer = OfficerFactory(section=SECTION_1)
    item = published_item(guide, officer=officer)

    services.revise_item(
        actor=officer,
        item=item,
        fields=item_fields(amount_max=6_000_000),
        targets={"new_product": 5},
        reason="论证后调整",
    )

    latest = ListVersion.objects.filter(direction=item.direction).order_by("-number").first()
    assert latest.number == 2
    assert latest.changes == [f"修改：{item.code} {item.title}（考核指标、资助上限）", "说明：论证后调整"]


def test_item_revised_after_publication_without_reason_is_refused(guide):
    officer = OfficerFactory(section=SECTION_1)
    item = published_item(guide, officer=officer)
    with pytest.raises(ServiceError, match="须写明理由"):
        services.revise_item(actor=officer, item=item, fields=item_fields(), targets={"new_product": 5})


def test_item_withdrawn_makes_version_without_it(guide):
    officer = OfficerFactory(section=SECTION_1)
    item = published_item(guide, officer=officer)

    services.transition_item(item=item, action="withdraw", actor=officer, reason="需求企业已自行解决")

    latest = ListVersion.objects.filter(direction=item.direction).order_by("-number").first()
    assert (latest.number, latest.items) == (2, [])
    assert latest.changes == [f"撤榜：{item.code} {item.title}", "说明：需求企业已自行解决"]


def test_list_version_is_append_only(guide):
    item = published_item(guide)
    version = ListVersion.objects.get(direction=item.direction)
    with pytest.raises(HistoryIsAppendOnly, match="榜单版本不可修改"):
        ListVersion.objects.filter(pk=version.pk).update(changes=[])


def test_list_version_raw_update_is_refused_by_the_trigger(guide):
    item = published_item(guide)
    version = ListVersion.objects.get(direction=item.direction)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {ListVersion._meta.db_table} SET changes = '[]' WHERE id = %s", [version.pk])


def test_application_answering_item_is_eligible(guide):
    application = challenge_draft(published_item(guide))

    result = Dossier.of(application).check()

    assert (result.verdict, result.findings) == ("eligible", ())


def test_application_below_item_indicator_is_refused_on_submission(guide):
    item = published_item(guide, targets={"new_product": 6})
    application = challenge_draft(
        item, indicators={"major_breakthrough": 3, "new_product": 5, "input_output_ratio": 3}
    )

    with pytest.raises(applications.SubmissionRefused) as refused:
        applications.transition(application=application, action="submit", actor=application.leader)

    assert [(f.rule, f.clause, f.message) for f in refused.value.findings] == [
        (
            "challenge_plan",
            "方向1 申报要求2",
            "揭榜方案的具体考核指标须不低于榜单项目的指标：新产品承诺5个，榜单要求不少于6个。请在“考核指标”中补足。",
        )
    ]


def test_application_above_item_cap_is_refused_on_submission(guide):
    item = published_item(guide, amount_max=1_000_000)
    application = challenge_draft(item, requested=2_000_000)

    with pytest.raises(applications.SubmissionRefused) as refused:
        applications.transition(application=application, action="submit", actor=application.leader)

    assert [(f.rule, f.clause) for f in refused.value.findings] == [("challenge_item", "方向1 申报要求1")]


def test_application_to_item_withdrawn_is_refused_on_submission(guide):
    officer = OfficerFactory(section=SECTION_1)
    item = published_item(guide, officer=officer)
    application = challenge_draft(item)
    services.transition_item(item=item, action="withdraw", actor=officer, reason="撤榜")

    with pytest.raises(applications.SubmissionRefused) as refused:
        applications.transition(application=application, action="submit", actor=application.leader)

    assert [(f.rule, f.clause) for f in refused.value.findings] == [("challenge_item", "方向1 申报要求1")]


def test_application_without_item_lists_the_challenge_section_as_incomplete(guide):
    item = published_item(guide)
    application = challenge_draft(item)
    form = {**application.form, "challenge-item": [""]}

    dossier = applications.save_draft(
        application=application, actor=application.leader, data=MultiValueDict(form)
    )
    application.refresh_from_db()

    assert [(p.section, p.message) for p in dossier.problems] == [
        ("challenge", "所揭榜单项目：这个字段是必填项。")
    ]
    assert application.challenge_item is None
