"""Tranche payments and yearly reports through the API: the web's services, their refusals as
`Error`s; and the history of a person's tokens."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from stplan.api.models import TokenEvent
from stplan.api.services import create_token, revoke_token
from stplan.funding import services as funding
from stplan.projects import services
from stplan.projects.models import TrancheStatus
from stplan.projects.selectors import projects_of_plan
from tests.world import BureauAdminFactory, UnitAdminFactory, open_guide, scored_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed():
    guide = open_guide()
    current, _applications, staff = scored_round(guide, [90])
    plan = funding.create_plan(actor=staff, review_round=current, name="方案", total_budget=1_000_000)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    (project,) = projects_of_plan(plan)
    services.advance_contract(project=project, actor=project.application.leader, action="confirm")
    services.advance_contract(
        project=project, actor=UnitAdminFactory(unit=project.application.lead_unit), action="unit_approve"
    )
    services.advance_contract(project=project, actor=staff, action="approve")
    project.refresh_from_db()
    return project, staff


def _call(user, method, url, body, scopes=("read", "write", "submit")):
    token = create_token(user=user, name="测试", scopes=list(scopes), days=30)[1]
    return getattr(Client(), method)(
        url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_payment_registered_through_the_api_pays_the_released_tranche(signed):
    project, staff = signed
    today = timezone.localdate()

    response = _call(
        staff,
        "post",
        f"/api/v1/projects/{project.pk}/tranches/1/payment",
        {"paid_on": str(today), "voucher": "PZ-1"},
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == TrancheStatus.PAID
    tranche = project.tranches.get(sequence=1)
    assert (tranche.status, tranche.voucher, tranche.paid_on) == (TrancheStatus.PAID, "PZ-1", today)
    assert tranche.events.get(action="pay").actor == staff


def test_payment_refusal_is_the_services_chinese_message(signed):
    project, staff = signed
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = _call(
        staff,
        "post",
        f"/api/v1/projects/{project.pk}/tranches/1/payment",
        {"paid_on": str(tomorrow), "voucher": "PZ"},
    )

    assert response.status_code == 422
    assert response.json()["message"] == "拨付日期不能晚于今天。"
    assert (
        _call(
            staff,
            "post",
            f"/api/v1/projects/{project.pk}/tranches/9/payment",
            {"paid_on": "2022-01-01", "voucher": "x"},
        ).status_code
        == 404
    )


def test_payment_needs_the_write_scope(signed):
    project, staff = signed

    response = _call(
        staff,
        "post",
        f"/api/v1/projects/{project.pk}/tranches/1/payment",
        {"paid_on": "2022-01-01", "voucher": "x"},
        scopes=("read",),
    )

    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"


def test_yearly_report_submitted_by_the_leader_through_the_api(signed):
    project, _staff = signed
    leader = project.application.leader
    services.allow_early(project=project, actor=BureauAdminFactory(), what="report:1", reason="提前报告")

    response = _call(
        leader,
        "post",
        f"/api/v1/projects/{project.pk}/reports",
        {"year": 1, "narrative": "进展顺利", "spent": 1000},
    )

    assert response.status_code == 201, response.content
    report = project.reports.get()
    assert (report.year, report.narrative, report.spent) == (1, "进展顺利", 1000)
    assert set(report.progress) == {row["metric"] for row in project.contract.content["indicators"]}
    again = _call(
        leader, "post", f"/api/v1/projects/{project.pk}/reports", {"year": 1, "narrative": "再报", "spent": 0}
    )
    assert again.status_code == 422
    assert again.json()["message"] == "第1年度报告已提交。"


def test_report_before_its_window_is_refused_as_the_web_refuses(signed):
    project, _staff = signed

    response = _call(
        project.application.leader,
        "post",
        f"/api/v1/projects/{project.pk}/reports",
        {"year": 1, "narrative": "进展"},
    )

    assert response.status_code == 422
    assert "第1年度报告" in response.json()["message"]
    assert not project.reports.exists()


def test_token_creation_and_revocation_leave_history_shown_on_the_tokens_page(signed):
    _project, staff = signed
    token, _plaintext = create_token(user=staff, name="财务系统", scopes=["read"], days=30)
    revoke_token(token=token, actor=staff)
    revoke_token(token=token, actor=staff)  # already revoked: nothing more happens

    assert list(
        TokenEvent.objects.filter(token=token).order_by("pk").values_list("action", "actor_name")
    ) == [
        ("created", staff.full_name or staff.username),
        ("revoked", staff.full_name or staff.username),
    ]
    client = Client()
    client.force_login(staff)
    page = client.get("/api/tokens/").content.decode()
    assert page.count("财务系统") >= 2
    assert "令牌记录" in page and "吊销" in page
