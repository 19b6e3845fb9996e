"""Over-long or unknown values posted to the project pages are refused with a Chinese
message naming the field, never a server error on PostgreSQL."""

import html
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from stplan.demo.builders import MINIMAL_PDF
from stplan.funding import services as funding
from stplan.projects.models import CountyAward, ProjectFile
from stplan.projects.selectors import projects_of_plan
from tests.world import BureauAdminFactory, open_guide, scored_round

pytestmark = pytest.mark.django_db


def shown_messages(response) -> list[tuple[str, str]]:
    page = response.content.decode()
    block = re.search(r'<ul class="messages" role="status">(.*?)</ul>', page, re.S)
    if block is None:
        return []
    return [
        (level, html.unescape(text))
        for level, text in re.findall(r'<li class="([^"]*)">(.*?)</li>', block[1])
    ]


def award_post(**overrides):
    return {
        "county": "阳朔县",
        "year": "2022",
        "amount": "300000",
        "county_match": "100000",
        "proof": "桂科奖〔2022〕1号",
        **overrides,
    }


@pytest.fixture
def admin_client():
    open_guide()
    client = Client(raise_request_exception=False)
    client.force_login(BureauAdminFactory())
    return client


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"county": "县" * 51}, "县（市、区）不能超过50个字。", id="county_51"),
        pytest.param({"proof": "证" * 201}, "自治区级奖励资金到位证明不能超过200个字。", id="proof_201"),
    ],
)
def test_award_with_an_over_long_value_is_refused_in_chinese(admin_client, overrides, message):
    response = admin_client.post(reverse("projects:awards"), award_post(**overrides), follow=True)
    assert response.status_code == 200
    assert shown_messages(response) == [("error", message)]
    assert CountyAward.objects.count() == 0


def test_award_at_the_length_limits_is_recorded(admin_client):
    response = admin_client.post(
        reverse("projects:awards"), award_post(county="县" * 50, proof="证" * 200), follow=True
    )
    assert shown_messages(response) == [("success", "已登记。")]
    assert CountyAward.objects.get().county == "县" * 50


@pytest.fixture
def project():
    current, _applications, staff = scored_round(open_guide(), [90])
    plan = funding.create_plan(actor=staff, review_round=current, name="方案", total_budget=1_000_000)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    (started,) = projects_of_plan(plan)
    return started


@pytest.mark.parametrize("purpose", ["p" * 31, "other", ""])
def test_evidence_with_an_unknown_purpose_is_refused_in_chinese(project, purpose):
    client = Client(raise_request_exception=False)
    client.force_login(project.application.leader)
    data = {"purpose": purpose, "file": SimpleUploadedFile("a.pdf", MINIMAL_PDF)}
    response = client.post(reverse("projects:evidence", args=[project.pk]), data, follow=True)
    assert response.status_code == 200
    assert shown_messages(response) == [("error", "用途：请选择验收佐证或年度报告佐证。")]
    assert ProjectFile.objects.count() == 0


@pytest.mark.parametrize("purpose", ["acceptance", "report"])
def test_evidence_for_an_offered_purpose_is_kept(project, purpose):
    client = Client(raise_request_exception=False)
    client.force_login(project.application.leader)
    data = {"purpose": purpose, "file": SimpleUploadedFile("a.pdf", MINIMAL_PDF)}
    response = client.post(reverse("projects:evidence", args=[project.pk]), data, follow=True)
    assert shown_messages(response) == [("success", "已上传“a.pdf”。")]
    assert ProjectFile.objects.get().purpose == purpose
