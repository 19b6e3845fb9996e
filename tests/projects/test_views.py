from datetime import timedelta

import pytest
from django.urls import reverse

from stplan.funding import services as funding
from stplan.funding.models import Objection
from stplan.projects import services
from stplan.projects.selectors import projects_of_plan
from tests.world import (
    ExpertFactory,
    LeaderFactory,
    OfficerFactory,
    RecommenderFactory,
    UnitAdminFactory,
    contract_to,
    funded_projects,
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
        reverse("funding:objection", args=[plan.pk]),
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
    tranche = project.tranches.get()
    assert client.post(reverse("projects:approve_contract", args=[project.pk])).status_code == 403
    pay = reverse("projects:pay", args=[project.pk, tranche.pk])
    assert client.post(pay, {"voucher": "x", "paid_on": "2022-01-01"}).status_code == 403
    assert project.tranches.get().status == tranche.status


def test_malformed_posts_on_project_pages_never_fail(client, world):
    project = _final(world)
    client.force_login(world["staff"])
    tranche = project.tranches.get()
    for name, args, data in (
        ("pay", [project.pk, tranche.pk], {"paid_on": "2022-13-45", "voucher": "x"}),
        ("pay", [project.pk, tranche.pk], {}),
        ("verify", [project.pk], {"new_benefit": "lots"}),
        ("decide_acceptance", [project.pk], {"decision": "maybe"}),
        ("terminate", [project.pk], {"reason": "x" * 3000}),
        ("allow_early", [project.pk], {"what": "nonsense"}),
    ):
        response = client.post(reverse(f"projects:{name}", args=args), data)
        assert response.status_code == 200, (name, data)
        assert 'class="error"' in response.content.decode(), (name, data)
    assert client.post(reverse("projects:pay", args=[project.pk, 10**9]), {}).status_code == 404
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
    url = reverse("funding:objection", args=[plan.pk])
    for i in range(10):
        client.post(url, {"name": "张", "contact": "1", "content": f"异议{i}"})
    response = client.post(url, {"name": "张", "contact": "1", "content": "第十一条"}, follow=True)
    assert "提交过于频繁，请稍后再试。" in response.content.decode()
    assert Objection.objects.count() == 10


@pytest.fixture
def running():
    (project,), staff = funded_projects(open_guide())
    contract_to(project, "approve", officer=staff)
    return project, staff


def test_refused_yearly_report_keeps_what_the_leader_typed(client, running):
    project, _staff = running
    client.force_login(project.application.leader)
    typed = {
        "year": "1",
        "narrative": "完成第一批样品的制备与测试。",
        "spent": "30000",
        "progress-new_product": "1",
    }

    response = client.post(reverse("projects:report", args=[project.pk]), typed)

    page = response.content.decode()
    assert response.status_code == 200
    assert "按任务书，第1年度报告自" in page
    assert "完成第一批样品的制备与测试。</textarea>" in page
    assert 'name="spent" value="30000"' in page
    assert project.reports.count() == 0


def test_refused_change_request_keeps_the_reason(client, running):
    project, _staff = running
    client.force_login(project.application.leader)
    typed = {"kind": "extension", "ends_on": "2020-01-01", "reason": "设备到货推迟半年。"}

    response = client.post(reverse("projects:change", args=[project.pk]), typed)

    page = response.content.decode()
    assert "延期后的结束日期须晚于原结束日期。" in page
    assert "设备到货推迟半年。</textarea>" in page
    assert "<details open>" in page


def test_yearly_report_shows_indicator_labels_not_codes(client, running):
    project, staff = running
    services.allow_early(project=project, actor=staff, what="report:1", reason="提前")
    metric = project.contract.content["indicators"][0]
    services.submit_report(
        project=project,
        actor=project.application.leader,
        year=1,
        progress={metric["metric"]: 1},
        narrative="进展",
        spent=0,
    )
    client.force_login(project.application.leader)

    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()

    assert f"<li>{metric['label']}：1</li>" in page
    assert f"{metric['metric']}=1" not in page
