"""The 工作台's 待办: each person sees the steps that wait for them, each with a link, in a
number of queries that does not grow with the rows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stplan.projects import services
from tests.matrix import OTHER_SECTION, OWN_SECTION
from tests.world import OfficerFactory, contract_to, funded_projects, open_guide

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Five 方向25 projects: 1 waits for its 负责人, 2 for its unit, 3 for the 科室; 4 runs,
    its signing tranche payable, its 1st report returned, its 2nd waiting, a change pending;
    5 waits for its 负责人."""
    projects, staff = funded_projects(open_guide(), scores=(90, 85, 80, 75, 70))
    officer = OfficerFactory(section=OWN_SECTION)
    units = {}
    for project, step in zip(projects[1:4], ("confirm", "unit_approve", "approve"), strict=True):
        units[project.pk] = contract_to(project, step, officer=officer)
    running = projects[3]
    leader = running.application.leader
    for year in (1, 2):
        services.allow_early(project=running, actor=officer, what=f"report:{year}", reason="提前")
    first = services.submit_report(
        project=running, actor=leader, year=1, progress={}, narrative="进展", spent=0
    )
    services.review_report(report=first, actor=officer, accept=False, note="请补充数据")
    services.submit_report(project=running, actor=leader, year=2, progress={}, narrative="进展", spent=0)
    services.request_change(
        project=running, actor=leader, kind="budget", details={"description": "调整"}, reason="需要"
    )
    return {"projects": projects, "officer": officer, "units": units, "staff": staff}


def todo_numbers(client, key) -> set[str]:
    page = client.get(reverse("workspace")).content.decode()
    section = re.search(rf'<section class="card todo" id="todo-{key}">(.*?)</section>', page, re.S)
    return set(re.findall(r"GLKJ\d{4}-\d{2}-\d{4}", section[1])) if section else set()


def test_leader_sees_the_contract_waiting_for_them(client, world):
    first, second, *_ = world["projects"]
    client.force_login(first.application.leader)
    assert todo_numbers(client, "contracts") == {first.number}
    client.force_login(second.application.leader)
    assert todo_numbers(client, "contracts") == set()


def test_leader_sees_a_returned_report_until_filed_again(client, world):
    running = world["projects"][3]
    client.force_login(running.application.leader)
    page = client.get(reverse("workspace")).content.decode()
    assert todo_numbers(client, "returned_reports") == {running.number}
    assert f'href="{reverse("projects:detail", args=[running.pk])}#reports"' in page


def test_unit_admin_sees_the_contract_waiting_for_the_unit(client, world):
    second = world["projects"][1]
    client.force_login(world["units"][second.pk])
    assert todo_numbers(client, "contracts") == {second.number}


@pytest.mark.parametrize("who", ["officer", "staff"])
def test_bureau_sees_contracts_reports_changes_and_payments_of_its_projects(client, world, who):
    third, running = world["projects"][2], world["projects"][3]
    client.force_login(world[who])
    assert todo_numbers(client, "contracts") == {third.number}
    assert todo_numbers(client, "reports") == {running.number}
    assert todo_numbers(client, "changes") == {running.number}
    # Only the running project is signed: its signing tranche is payable.
    assert todo_numbers(client, "tranches") == {running.number}
    assert todo_numbers(client, "acceptances") == set()


def test_officer_of_another_section_sees_none_of_them(client, world):
    client.force_login(OfficerFactory(section=OTHER_SECTION))
    page = client.get(reverse("workspace")).content.decode()
    assert 'class="card todo"' not in page


def test_workspace_queries_do_not_grow_with_the_rows(client, world):
    client.force_login(world["officer"])
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("workspace"))
    last = world["projects"][4]
    contract_to(last, "unit_approve", officer=world["officer"])
    with CaptureQueriesContext(connection) as after:
        assert todo_numbers(client, "contracts") == {world["projects"][2].number, last.number}
    assert len(after.captured_queries) == len(before.captured_queries)
