"""The 验收专家组 pages: the 科室 forms and closes the panel, the expert judges, a refused
form keeps what was typed, the certificate downloads."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from stplan.projects import services
from stplan.projects.models import AcceptanceCertificate, AcceptancePanel, AcceptanceReviewStatus
from tests.world import UnitAdminFactory, acceptance_panel, accepting_project

pytestmark = pytest.mark.django_db


def _due(days=3):
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_officer_forms_publishes_and_closes_the_panel(client):
    project, officer = accepting_project()
    client.force_login(officer)
    detail = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "组建验收专家组" in detail

    response = client.post(
        reverse("projects:acceptance_panel", args=[project.pk]), {"experts": "2", "due_at": _due()}
    )
    assert response.status_code == 302
    panel = AcceptancePanel.objects.get(acceptance__project=project)
    assert panel.reviews.count() == 2
    client.post(reverse("projects:acceptance_panel_action", args=[project.pk, "publish"]))
    panel.refresh_from_db()
    assert panel.status == "open"
    page = client.get(reverse("projects:acceptance_panel", args=[project.pk])).content.decode()
    assert "已提交 0/2 位专家" in page and "结束验收评审" in page


def test_refused_panel_form_keeps_what_was_typed(client):
    project, officer = accepting_project()
    client.force_login(officer)
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("projects:acceptance_panel", args=[project.pk]), {"experts": "4", "due_at": past}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "评审截止须晚于现在。" in page
    assert 'value="4"' in page and f'value="{past}"' in page
    assert not AcceptancePanel.objects.exists()


def test_unit_admin_and_leader_cannot_open_the_panel_page(client):
    project, _officer = accepting_project()
    client.force_login(project.application.leader)
    assert client.get(reverse("projects:acceptance_panel", args=[project.pk])).status_code == 403
    client.force_login(UnitAdminFactory(unit=project.application.lead_unit))
    assert client.get(reverse("projects:acceptance_panel", args=[project.pk])).status_code == 403


def test_expert_sees_indicators_and_evidence_and_a_refused_review_keeps_the_text(client):
    project, officer = accepting_project()
    review = acceptance_panel(project, officer, experts=1).reviews.get()
    metric = project.contract.content["indicators"][0]["metric"]
    client.force_login(review.expert.user)
    mine = client.get(reverse("projects:acceptance_reviews")).content.decode()
    assert project.number in mine
    page = client.get(reverse("projects:acceptance_review", args=[review.pk])).content.decode()
    evidence = project.files.get()
    assert "验收佐证.pdf" in page
    assert "完成任务书规定的研究内容。" in page
    download = client.get(reverse("projects:acceptance_evidence", args=[review.pk, evidence.pk]))
    assert download.status_code == 200

    refused = client.post(
        reverse("projects:acceptance_review", args=[review.pk]),
        {f"rating-{metric}": "partial", f"remark-{metric}": "样机尚未定型", "comment": "基本完成"},
    )
    text = refused.content.decode()
    assert "请选择总体意见：通过、结题或不通过。" in text
    assert "样机尚未定型" in text and "基本完成" in text and 'value="partial" checked' in text

    done = client.post(
        reverse("projects:acceptance_review", args=[review.pk]),
        {f"rating-{metric}": "met", "opinion": "passed", "comment": "完成"},
    )
    assert done.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.ratings, review.opinion) == (
        AcceptanceReviewStatus.SUBMITTED,
        {metric: "met"},
        "passed",
    )


def test_another_expert_gets_404_for_a_review_not_theirs(client):
    project, officer = accepting_project()
    first, second = acceptance_panel(project, officer, experts=2).reviews.order_by("pk")
    client.force_login(second.expert.user)
    assert client.get(reverse("projects:acceptance_review", args=[first.pk])).status_code == 404
    evidence = project.files.get()
    assert (
        client.get(reverse("projects:acceptance_evidence", args=[first.pk, evidence.pk])).status_code == 404
    )


def test_leader_downloads_the_certificate_after_a_pass(client):
    project, officer = accepting_project()
    services.decide_acceptance(project=project, actor=officer, decision="passed", reason="")
    client.force_login(project.application.leader)
    assert "下载验收证书（PDF）" in client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    response = client.get(reverse("projects:certificate", args=[project.pk]))
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(body).hexdigest() == AcceptanceCertificate.objects.get().sha256
    detail = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert AcceptanceCertificate.objects.get().sha256 in detail
