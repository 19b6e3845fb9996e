"""验收专家组: forming the panel with 回避, the experts' judgement, due dates, the 验收结论
waiting for the panel, and the 验收证书 / 结题证书."""

import hashlib
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.http import Http404
from django.utils import timezone

from stplan.applications.selectors import latest_content
from stplan.errors import ServiceError
from stplan.projects import acceptance_panel as panels
from stplan.projects import services
from stplan.projects.models import (
    AcceptanceCertificate,
    AcceptancePanelStatus,
    AcceptanceReview,
    AcceptanceReviewStatus,
    ProjectStatus,
)
from tests.world import (
    ExpertFactory,
    LeaderFactory,
    OfficerFactory,
    acceptance_panel,
    accepting_project,
)

pytestmark = pytest.mark.django_db


def _metrics(project):
    return [row["metric"] for row in project.contract.content["indicators"]]


def _score(review, opinion="passed", rating="met"):
    metrics = _metrics(review.project)
    return panels.submit_review(
        review=review,
        actor=review.expert.user,
        ratings=dict.fromkeys(metrics, rating),
        remarks={metrics[0]: "有佐证"},
        opinion=opinion,
        comment="完成任务书要求。",
    )


def test_panel_leaves_out_the_projects_own_unit_and_people_and_takes_one_per_unit():
    project, officer = accepting_project()
    application = project.application
    own_unit = ExpertFactory(unit_name=application.lead_unit.name, keywords="柔性传感")
    leader_id = latest_content(application).people[0].id_number
    leader_as_expert = ExpertFactory(id_number=leader_id, keywords="柔性传感")
    same_unit = [ExpertFactory(unit_name="同一研究院", keywords="柔性传感 新材料") for _ in range(2)]

    panel = panels.form_panel(
        project=project, actor=officer, experts=5, due_at=timezone.now() + timedelta(days=3)
    )

    chosen = {r.expert for r in panel.reviews.all()}
    assert own_unit not in chosen and leader_as_expert not in chosen
    assert len(chosen & set(same_unit)) == 1
    assert len(chosen) == 4  # the three 外地研究院 of the world and one of 同一研究院
    event = panel.events.get()
    assert (event.action, event.payload["shortfall"], event.payload["excluded"]) == ("create", 1, 2)


def test_panel_needs_a_pending_acceptance_the_officers_section_and_a_future_due_date():
    project, officer = accepting_project()
    due = timezone.now() + timedelta(days=3)
    with pytest.raises(ServiceError, match="只有该方向所属科室的经办人或局管理员可以组建验收专家组。"):
        panels.form_panel(
            project=project, actor=OfficerFactory(section="农业农村科技科"), experts=3, due_at=due
        )
    with pytest.raises(ServiceError, match="评审截止须晚于现在。"):
        panels.form_panel(
            project=project, actor=officer, experts=3, due_at=timezone.now() - timedelta(hours=1)
        )
    with pytest.raises(ServiceError, match="验收专家人数须为1至15人。"):
        panels.form_panel(project=project, actor=officer, experts=0, due_at=due)
    panels.form_panel(project=project, actor=officer, experts=3, due_at=due)
    with pytest.raises(ServiceError, match="已有未结束的验收专家组，请先结束它。"):
        panels.form_panel(project=project, actor=officer, experts=3, due_at=due)


def test_experts_see_only_their_published_reviews():
    project, officer = accepting_project()
    panel = panels.form_panel(
        project=project, actor=officer, experts=2, due_at=timezone.now() + timedelta(days=3)
    )
    review = panel.reviews.first()
    assert list(panels.reviews_of_expert(review.expert.user)) == []  # a draft panel is not shown
    panels.transition_panel(panel=panel, action="publish", actor=officer)
    assert list(panels.reviews_of_expert(review.expert.user)) == [review]
    assert list(panels.reviews_of_expert(ExpertFactory().user)) == []
    assert list(panels.reviews_of_expert(LeaderFactory())) == []


def test_expert_rates_every_indicator_and_the_panel_result_counts_them():
    project, officer = accepting_project()
    panel = acceptance_panel(project, officer, experts=3)
    first, second, third = panel.reviews.order_by("pk")
    with pytest.raises(ServiceError, match="请评价每项考核指标"):
        panels.submit_review(
            review=first, actor=first.expert.user, ratings={}, remarks={}, opinion="passed", comment="好"
        )
    with pytest.raises(ServiceError, match="请选择总体意见：通过、结题或不通过。"):
        _score(first, opinion="maybe")
    with pytest.raises(ServiceError, match="您没有权限进行此操作。"):
        panels.submit_review(
            review=first,
            actor=second.expert.user,
            ratings=dict.fromkeys(_metrics(project), "met"),
            remarks={},
            opinion="passed",
            comment="好",
        )
    _score(first)
    _score(second, opinion="closed", rating="partial")
    panels.decline_review(review=third, actor=third.expert.user, reason="曾与负责人合作")

    result = panels.panel_result(panel)
    assert result.submitted == 2
    assert [(i.metric, i.counts) for i in result.indicators] == [
        (m, {"met": 1, "partial": 1, "unmet": 0}) for m in _metrics(project)
    ]
    assert result.opinions == [("通过", 1), ("结题", 1), ("不通过", 0)]
    third.refresh_from_db()
    assert third.status == AcceptanceReviewStatus.WITHDRAWN
    first.refresh_from_db()
    assert (first.status, first.remarks) == (
        AcceptanceReviewStatus.SUBMITTED,
        {_metrics(project)[0]: "有佐证"},
    )


def test_review_after_the_due_date_or_once_closed_is_refused():
    project, officer = accepting_project()
    panel = acceptance_panel(project, officer, experts=2)
    late, closed = panel.reviews.order_by("pk")
    metrics = _metrics(project)
    with pytest.raises(ServiceError, match="已过期，不能再提交。"):
        panels.submit_review(
            review=late,
            actor=late.expert.user,
            ratings=dict.fromkeys(metrics, "met"),
            remarks={},
            opinion="passed",
            comment="好",
            now=panel.due_at + timedelta(minutes=1),
        )
    panels.transition_panel(panel=panel, action="close", actor=officer)
    with pytest.raises(ServiceError, match="验收专家组评审未开始或已结束，不能再提交。"):
        _score(closed)


def test_submitted_review_is_frozen_in_the_database():
    project, officer = accepting_project()
    review = _score(acceptance_panel(project, officer, experts=1).reviews.get())
    with (
        pytest.raises(DatabaseError, match="验收评审已锁定，不可修改"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"UPDATE {AcceptanceReview._meta.db_table} SET comment = 'changed' WHERE id = %s", [review.pk]
        )


def test_conclusion_waits_for_the_panel_and_a_pass_earns_the_acceptance_certificate():
    project, officer = accepting_project()
    panel = acceptance_panel(project, officer, experts=1)
    _score(panel.reviews.get())
    with pytest.raises(ServiceError, match="验收专家组评审尚未结束，请先结束专家组评审，再作出验收结论。"):
        services.decide_acceptance(project=project, actor=officer, decision="passed", reason="")
    with pytest.raises(Http404):  # no conclusion yet
        panels.certificate_of(project, actor=project.application.leader)
    panels.transition_panel(panel=panel, action="close", actor=officer)
    services.decide_acceptance(project=project, actor=officer, decision="passed", reason="专家组一致通过")
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACCEPTED

    certificate = panels.certificate_of(project, actor=project.application.leader)
    content = certificate.file.read()
    assert content.startswith(b"%PDF")
    assert certificate.sha256 == hashlib.sha256(content).hexdigest()
    assert (certificate.kind, certificate.number) == ("acceptance", f"{project.number}-YS")
    again = panels.certificate_of(project, actor=officer)
    assert again.pk == certificate.pk and AcceptanceCertificate.objects.count() == 1
    event = project.acceptance.events.get(action="certificate")
    assert event.payload == {"number": certificate.number, "sha256": certificate.sha256}
    panel.refresh_from_db()
    assert panel.status == AcceptancePanelStatus.CLOSED


def test_closure_earns_the_closure_certificate():
    project, officer = accepting_project(achieved=0)
    with pytest.raises(Http404):
        panels.certificate_of(project, actor=officer)
    services.decide_acceptance(project=project, actor=officer, decision="closed", reason="部分指标未完成")
    certificate = panels.certificate_of(project, actor=officer)
    assert (certificate.kind, certificate.number) == ("closure", f"{project.number}-JT")


def test_failed_acceptance_earns_no_certificate():
    project, officer = accepting_project(achieved=0)
    services.decide_acceptance(project=project, actor=officer, decision="failed", reason="未完成")
    with pytest.raises(Http404):
        panels.certificate_of(project, actor=officer)


def test_published_panel_mails_each_expert_a_link_to_their_task(
    mailoutbox, django_capture_on_commit_callbacks
):
    project, officer = accepting_project()
    panel = panels.form_panel(
        project=project, actor=officer, experts=2, due_at=timezone.now() + timedelta(days=3)
    )
    experts = sorted(r.expert.user.email for r in panel.reviews.select_related("expert__user"))

    with django_capture_on_commit_callbacks(execute=True):
        panels.transition_panel(panel=panel, action="publish", actor=officer)

    [mail] = mailoutbox
    assert (sorted(mail.to), mail.subject) == (
        experts,
        f"【科技计划项目管理系统】验收评审任务：{project.number}",
    )
    assert mail.body.endswith("登录系统查看或办理：http://127.0.0.1:8000/projects/acceptance-reviews/")
