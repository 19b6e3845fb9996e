"""The expert's task page: whom to judge a conflict against, the rubric and total of the score
form, the attachments the expert may fetch, refused forms kept as typed, confirmations."""

import pytest
from django.urls import reverse

from stplan.review.defaults import load_review_defaults
from stplan.review.models import ScoreSheet
from tests.review.test_views import _act, _published
from tests.world import ExpertFactory, OfficerFactory

pytestmark = pytest.mark.django_db


def _confirmed(client, **round_fields):
    application, (task, other) = _published(**round_fields)
    client.force_login(task.expert.user)
    url = reverse("review:task", args=[task.pk])
    client.post(_act(url, "confirm"), {"no_conflict": "on", "pledge": "on"})
    return application, task, other, url


def test_conflict_check_names_the_leader_team_and_units_in_an_open_round(client):
    application, (task, _other) = _published()
    client.force_login(task.expert.user)
    html = client.get(reverse("review:task", args=[task.pk])).content.decode()
    assert f'<td data-label="名称或姓名">{application.leader.full_name}</td>' in html
    assert '<td data-label="名称或姓名">李明</td>' in html
    assert f'<td data-label="名称或姓名">{application.lead_unit.name}</td>' in html


def test_conflict_check_names_no_one_in_a_blind_round(client):
    application, (task, _other) = _published(hide_applicant_identity=True)
    client.force_login(task.expert.user)
    html = client.get(reverse("review:task", args=[task.pk])).content.decode()
    assert 'id="parties"' not in html
    assert application.leader.full_name not in html and application.lead_unit.name not in html
    assert "本批次为盲评" in html


def test_score_form_shows_each_items_rubric_from_the_sheet_data_and_a_total(client):
    _application, _task, _other, url = _confirmed(client)
    html = client.get(url).content.decode()
    assert "申报人的学术或技术水平、代表性成果和发展潜力" in html
    assert "<strong>29–35分</strong>：成果突出，在本领域有较大影响，发展潜力大" in html
    assert "权重 35/100" in html
    assert "<strong data-score-total>0</strong>" in html
    assert html.index('id="score"') < html.index('id="dossier"')


def test_refused_submission_is_shown_again_as_typed_with_its_total(client):
    _application, task, _other, url = _confirmed(client)
    typed = {
        "score-talent": "30",
        "comment-talent": "基础扎实",
        "score-innovation": "20",
        "overall_comment": "尚可",
    }
    response = client.post(_act(url, "submit"), typed)
    html = response.content.decode()
    assert response.status_code == 200
    assert "请为“研究方案可行性”打分" in html
    assert "基础扎实</textarea>" in html and "尚可</textarea>" in html
    assert "<strong data-score-total>50</strong>" in html
    task.refresh_from_db()
    assert task.status == "confirmed"


def test_refused_conflict_declaration_keeps_the_chosen_kind(client):
    _application, task, _other, url = _confirmed(client)
    response = client.post(_act(url, "declare"), {"kind": "collaborator", "reason": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="collaborator" selected>' in html
    task.refresh_from_db()
    assert task.status == "confirmed"


def test_assigned_expert_fetches_attachments_but_never_the_id_card(client):
    application, task, other, _url = _confirmed(client)
    files = {a.code: a for a in application.attachments.all()}
    degree = reverse("review:task_attachment", args=[task.pk, files["doctorate_certificate"].pk])
    id_card = reverse("review:task_attachment", args=[task.pk, files["id_card"].pk])
    assert client.get(reverse("review:task", args=[task.pk])).content.decode().count(degree) == 1
    response = client.get(degree)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert client.get(id_card).status_code == 404
    # Another expert, even one with a task of the same application, reaches files only by theirs.
    client.force_login(other.expert.user)
    assert client.get(degree).status_code == 404
    client.force_login(ExpertFactory().user)
    assert client.get(degree).status_code == 404


def test_unconfirmed_expert_gets_no_attachment(client):
    application, (task, _other) = _published()
    client.force_login(task.expert.user)
    first = application.attachments.exclude(code="id_card").first()
    assert client.get(reverse("review:task_attachment", args=[task.pk, first.pk])).status_code == 404


def test_blind_round_gives_no_attachments(client):
    application, task, _other, url = _confirmed(client, hide_applicant_identity=True)
    first = application.attachments.exclude(code="id_card").first()
    assert client.get(reverse("review:task_attachment", args=[task.pk, first.pk])).status_code == 404
    assert "附件载有申报单位信息，不向专家提供" in client.get(url).content.decode()


def test_publish_close_and_submit_ask_for_confirmation(client):
    _application, (task, _other) = _published()
    client.force_login(OfficerFactory(section="国外智力引进与人才科"))
    page = client.get(reverse("review:round", args=[task.round_id])).content.decode()
    assert 'data-confirm="结束评审后专家不能再提交评审意见（已提交 0 / 2）。确定结束评审吗？"' in page
    client.force_login(task.expert.user)
    url = reverse("review:task", args=[task.pk])
    client.post(_act(url, "confirm"), {"no_conflict": "on", "pledge": "on"})
    assert 'data-confirm="提交后评审意见不能再修改。确定提交评审意见吗？"' in client.get(url).content.decode()


def test_reloading_defaults_adds_the_rubric_to_a_sheet_made_without_it(client):
    _application, (task, _other) = _published()
    sheet = ScoreSheet.objects.get(guide=task.round.guide, name="人才项目评分表")
    sheet.criteria = [{"code": c["code"], "label": c["label"], "max": c["max"]} for c in sheet.criteria]
    sheet.criteria[0]["max"] = 30  # the bureau's own edit stays
    sheet.save()
    load_review_defaults(guide=task.round.guide)
    sheet.refresh_from_db()
    assert sheet.criteria[0]["max"] == 30
    assert sheet.criteria[0]["description"].startswith("申报人的学术或技术水平")
    assert len(sheet.criteria[0]["bands"]) == 4
