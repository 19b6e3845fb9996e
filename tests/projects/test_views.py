from datetime import timedelta

import pytest
from django.urls import reverse

from stplan.funding import services as funding
from stplan.funding.models import Objection
from stplan.projects.selectors import projects_of_plan
from tests.world import (
    ExpertFactory,
    LeaderFactory,
    OfficerFactory,
    RecommenderFactory,
    UnitAdminFactory,
    open_guide,
    scored_round,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    current, (funded, other), staff = scored_round(open_guide(), [90, 80])
    plan = funding.create_plan(actor=staff, review_round=current, name="方案", total_budget=50_000)
    return {"round": current, "funded": funded, "other": other, "staff": staff, "plan": plan}


def _final(world):
    plan = funding.publicize(plan=world["plan"], actor=world["staff"])
    funding.finalize(plan=plan, actor=world["staff"], now=plan.publicity_ends + timedelta(seconds=1))
    (project,) = projects_of_plan(plan)
    return project


@pytest.mark.parametrize("name", ["funding:plans", "projects:dashboard", "projects:awards"])
def test_bureau_pages_are_closed_to_applicants_recommenders_and_experts(client, world, name):
    for person in (LeaderFactory(), UnitAdminFactory(), RecommenderFactory(), ExpertFactory().user):
        client.force_login(person)
        assert client.get(reverse(name)).status_code == 403


def test_draft_plan_is_not_public(client, world):
    assert client.get(reverse("funding:publicity", args=[world["plan"].pk])).status_code == 404


def test_publicity_page_is_public_and_takes_objections_during_the_period(client, world):
    plan = funding.publicize(plan=world["plan"], actor=world["staff"])
    html = client.get(reverse("funding:publicity", args=[plan.pk])).content.decode()
    assert world["funded"].lead_unit.name in html and world["other"].lead_unit.name not in html
    client.post(
        reverse("funding:publicity", args=[plan.pk]),
        {"name": "李四", "contact": "139", "content": "经费偏高", "application": world["funded"].pk},
    )
    objection = Objection.objects.get()
    assert (objection.application, objection.content) == (world["funded"], "经费偏高")
    pdf = client.get(reverse("funding:publicity", args=[plan.pk]), {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF-")


def test_project_is_visible_to_its_leader_unit_and_section_only(client, world):
    project = _final(world)
    url = reverse("projects:detail", args=[project.pk])
    allowed = [
        project.application.leader,
        UnitAdminFactory(unit=project.application.lead_unit),
        OfficerFactory(),
        world["staff"],
    ]
    denied = [
        LeaderFactory(),
        UnitAdminFactory(),
        OfficerFactory(section="农业农村科技科"),
        RecommenderFactory(),
    ]
    for person in allowed:
        client.force_login(person)
        assert client.get(url).status_code == 200, person
    for person in denied:
        client.force_login(person)
        assert client.get(url).status_code == 404, person
        assert project.number not in client.get(reverse("projects:list")).content.decode()


def test_leader_cannot_pay_or_approve_through_the_page(client, world):
    project = _final(world)
    client.force_login(project.application.leader)
    url = reverse("projects:detail", args=[project.pk])
    response = client.post(url, {"action": "approve"}, follow=True)
    assert "您没有权限进行此操作。" in response.content.decode()
    tranche = project.tranches.get()
    response = client.post(url, {"action": "pay", "tranche": tranche.pk, "voucher": "x"}, follow=True)
    assert "您没有权限登记拨付。" in response.content.decode()


def test_malformed_posts_on_project_pages_never_fail(client, world):
    project = _final(world)
    client.force_login(world["staff"])
    url = reverse("projects:detail", args=[project.pk])
    for data in (
        {"action": "pay", "tranche": "abc"},
        {"action": "pay", "tranche": project.tranches.get().pk, "paid_on": "2022-13-45", "voucher": "x"},
        {"action": "report", "year": "x"},
        {"action": "nonsense"},
        {"action": "decide_acceptance", "decision": "maybe"},
        {"action": "verify", "new_benefit": "lots"},
    ):
        assert client.post(url, data).status_code in (302, 404), data
    client.force_login(world["staff"])
    plan = world["plan"]
    change = reverse("funding:plan_item_change", args=[plan.pk, plan.items.first().pk])
    for data in ({"amount": "-5"}, {"amount": "x", "selected": "maybe"}, {}):
        assert client.post(change, data).status_code == 302, data
    assert client.post(reverse("funding:plan", args=[plan.pk]), {}).status_code == 405
    assert (
        client.post(reverse("funding:plans"), {"review_round": "x", "total_budget": "abc"}).status_code == 200
    )


def test_objections_are_limited_to_ten_an_hour_from_one_address(client, world):
    plan = funding.publicize(plan=world["plan"], actor=world["staff"])
    url = reverse("funding:publicity", args=[plan.pk])
    for i in range(10):
        client.post(url, {"name": "张", "contact": "1", "content": f"异议{i}"})
    response = client.post(url, {"name": "张", "contact": "1", "content": "第十一条"}, follow=True)
    assert "提交过于频繁，请稍后再试。" in response.content.decode()
    assert Objection.objects.count() == 10
