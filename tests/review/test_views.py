from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from stplan.review import expert_io, services
from stplan.review.models import Assignment, Expert
from tests.factories import credit_code
from tests.world import (
    BureauAdminFactory,
    ExpertFactory,
    LeaderFactory,
    OfficerFactory,
    UnitAdminFactory,
    open_guide,
    passed_25,
    review_round,
)

pytestmark = pytest.mark.django_db


def _act(url: str, action: str) -> str:
    """The URL of one action of a task or round page: its own path under the page's."""
    return f"{url}{action}/"


def _published(**round_fields):
    guide = open_guide()
    application = passed_25(guide)
    for _ in range(3):
        ExpertFactory()
    staff = BureauAdminFactory()
    current = services.propose_assignment(review_round=review_round(guide, **round_fields), actor=staff)
    services.publish(review_round=current, actor=staff)
    return application, list(Assignment.objects.filter(round=current).order_by("pk"))


@pytest.mark.parametrize(
    "name", ["review:experts", "review:rounds", "review:expert_new", "review:expert_template"]
)
@pytest.mark.parametrize("factory", [LeaderFactory, UnitAdminFactory, ExpertFactory])
def test_bureau_pages_are_forbidden_to_others(client, name, factory):
    person = factory()
    client.force_login(person.user if hasattr(person, "user") else person)
    assert client.get(reverse(name)).status_code == 403


def test_expert_cannot_open_a_task_of_another_expert(client):
    _application, (mine, other) = _published()
    client.force_login(mine.expert.user)
    assert client.get(reverse("review:task", args=[other.pk])).status_code == 404
    assert client.get(reverse("review:task", args=[mine.pk])).status_code == 200


def test_unassigned_expert_sees_no_task(client):
    _application, (task, _other) = _published()
    client.force_login(ExpertFactory().user)
    assert client.get(reverse("review:task", args=[task.pk])).status_code == 404


def test_application_is_hidden_until_the_expert_confirms_and_pledges(client):
    application, (task, _other) = _published()
    client.force_login(task.expert.user)
    before = client.get(reverse("review:task", args=[task.pk])).content.decode()
    assert "主要研究内容" not in before and "保密承诺" in before
    client.post(
        _act(reverse("review:task", args=[task.pk]), "confirm"), {"no_conflict": "on", "pledge": "on"}
    )
    after = client.get(reverse("review:task", args=[task.pk])).content.decode()
    assert "主要研究内容" in after
    form = application.versions.get().snapshot["form"]
    assert form["leader-id_number"][0] not in after
    assert form["team-0-id_number"][0] not in after


def test_blind_review_hides_the_applicants_identity(client):
    application, (task, _other) = _published(hide_applicant_identity=True)
    client.force_login(task.expert.user)
    client.post(
        _act(reverse("review:task", args=[task.pk]), "confirm"), {"no_conflict": "on", "pledge": "on"}
    )
    html = client.get(reverse("review:task", args=[task.pk])).content.decode()
    assert "主要研究内容" in html
    assert application.lead_unit.name not in html
    assert application.recommender.name not in html


def _submit(client, task, value):
    client.force_login(task.expert.user)
    url = reverse("review:task", args=[task.pk])
    client.post(_act(url, "confirm"), {"no_conflict": "on", "pledge": "on"})
    data = {"recommendation": "fund", "overall_comment": "好"}
    for code in ("talent", "innovation", "feasibility", "support"):
        data[f"score-{code}"] = value
        data[f"comment-{code}"] = "意见"
    client.post(_act(url, "submit"), data)


def test_other_experts_scores_stay_hidden_before_submitting(client):
    _application, (first, second) = _published(show_scores_after_submit=True)
    _submit(client, first, 20)
    client.force_login(second.expert.user)
    url = reverse("review:task", args=[second.pk])
    client.post(_act(url, "confirm"), {"no_conflict": "on", "pledge": "on"})
    html = client.get(url).content.decode()
    assert "其他专家的评分" not in html and ">80<" not in html
    _submit(client, second, 15)
    html = client.get(url).content.decode()
    assert "其他专家的评分" in html and "80（建议资助）" in html


def test_other_scores_stay_hidden_after_submitting_when_the_round_says_so(client):
    _application, (first, second) = _published(show_scores_after_submit=False)
    _submit(client, first, 20)
    _submit(client, second, 15)
    assert "其他专家的评分" not in client.get(reverse("review:task", args=[second.pk])).content.decode()


def test_officer_runs_publishes_and_sees_the_ranking(client):
    guide = open_guide()
    application = passed_25(guide)
    for _ in range(3):
        ExpertFactory()
    current = review_round(guide)
    client.force_login(OfficerFactory())
    client.post(_act(reverse("review:round", args=[current.pk]), "solve"), {})
    assert Assignment.objects.filter(round=current, status="proposed").count() == 2
    client.post(_act(reverse("review:round", args=[current.pk]), "publish"), {})
    assert Assignment.objects.filter(round=current, status="published").count() == 2
    html = client.get(reverse("review:ranking", args=[current.pk])).content.decode()
    assert application.number in html
    export = client.get(reverse("review:ranking", args=[current.pk]), {"format": "xlsx"})
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][2] == application.number


def _sheet(rows):
    book = load_workbook(BytesIO(expert_io.template()))
    sheet = book["专家"]
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_import_lists_every_bad_row_and_imports_nothing():
    from stplan.review.defaults import load_review_defaults

    load_review_defaults(guide=open_guide())
    content = _sheet(
        [
            ["zj1", "张三", "zhang@x.cn", "", "广西大学", "", "", "", "", "0101", "", "", "", "", "", ""],
            [
                "zj2",
                "",
                "not-an-email",
                "",
                "广西大学",
                "91450300MA5L0001X",
                "",
                "",
                "",
                "9999",
                "",
                "",
                "",
                "abc",
                "也许",
                "",
            ],
        ]
    )
    with pytest.raises(Exception) as refused:
        expert_io.import_experts(actor=BureauAdminFactory(), content=content)
    assert str(refused.value) == (
        "导入未完成，请修改后重新上传：\n第4行：缺少“姓名”；邮箱格式不正确；单位统一社会信用代码应为18位，现为17位；"
        "学科领域代码不存在：9999；“每轮评审上限”应为1到200的整数；“可参加评审”应填“是”或“否”"
    )
    assert Expert.objects.count() == 0


def test_import_creates_then_updates_experts_with_history():
    from stplan.review.defaults import load_review_defaults

    load_review_defaults(guide=open_guide())
    staff = BureauAdminFactory()
    row = [
        "zj1",
        "张三",
        "zhang@x.cn",
        "",
        "广西大学",
        credit_code(),
        "西乡塘区",
        "教授",
        "",
        "0101,0102",
        "芯片",
        "",
        "",
        8,
        "是",
        "是",
    ]
    assert expert_io.import_experts(actor=staff, content=_sheet([row])).created == 1
    row[13] = 10
    assert expert_io.import_experts(actor=staff, content=_sheet([row])).updated == 1
    expert = Expert.objects.get()
    assert (expert.load_cap, sorted(expert.fields.values_list("code", flat=True))) == (10, ["0101", "0102"])
    assert list(expert.events.values_list("action", flat=True)) == ["create", "update"]


def test_export_round_trips_through_import():
    from stplan.review.defaults import load_review_defaults

    load_review_defaults(guide=open_guide())
    ExpertFactory(keywords="水生态")
    content = expert_io.export(Expert.objects.all())
    result = expert_io.import_experts(actor=BureauAdminFactory(), content=content)
    assert (result.created, result.updated) == (0, 1)


def test_id_numbers_stay_hidden_in_the_english_interface(client):
    application, (task, _other) = _published(hide_applicant_identity=True)
    client.force_login(task.expert.user)
    client.post(
        _act(reverse("review:task", args=[task.pk]), "confirm"), {"no_conflict": "on", "pledge": "on"}
    )
    client.cookies["django_language"] = "en"
    html = client.get(reverse("review:task", args=[task.pk])).content.decode()
    form = application.versions.get().snapshot["form"]
    assert "关键技术攻关" in html  # the research content itself is shown
    assert form["leader-id_number"][0] not in html
    assert form["team-0-id_number"][0] not in html
    assert application.recommender.name not in html


def test_invalid_score_form_keeps_the_saved_draft_and_says_why(client):
    _application, (task, _other) = _published()
    client.force_login(task.expert.user)
    url = reverse("review:task", args=[task.pk])
    client.post(_act(url, "confirm"), {"no_conflict": "on", "pledge": "on"})
    client.post(_act(url, "save"), {"score-talent": "30", "comment-talent": "短评"})
    response = client.post(_act(url, "save"), {"score-talent": "99", "comment-talent": "长" * 2001})
    html = response.content.decode()
    assert response.status_code == 200
    assert "未保存" in html
    review = task.__class__.objects.get(pk=task.pk).review
    assert (review.scores["talent"], review.comments["talent"]) == (30, "短评")


def test_pin_with_a_malformed_id_is_not_a_server_error(client):
    guide = open_guide()
    current = review_round(guide)
    client.force_login(OfficerFactory())
    url = reverse("review:round", args=[current.pk])
    for action, data in (
        ("pin", {"application": "abc", "expert": "1"}),
        ("forbid", {"application": "1", "expert": "x"}),
    ):
        assert client.post(_act(url, action), data).status_code == 404


def test_round_page_extends_one_task_with_a_reason(client):
    _application, (task, *_rest) = _published()
    client.force_login(OfficerFactory(section="国外智力引进与人才科"))
    url = reverse("review:round", args=[task.round_id])
    page = client.get(url).content.decode()
    assert f'action="{_act(url, "extend")}"' in page
    response = client.post(
        _act(url, "extend"), {"assignment": task.pk, "due_at": "2099-01-31T18:00", "reason": "专家出差"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.due_at.isoformat() == "2099-01-31T10:00:00+00:00"
    event = task.events.get(action="extend")
    assert (event.reason, event.payload) == ("专家出差", {"due_at": "2099-01-31 18:00"})


def test_round_page_refuses_an_extension_with_no_date(client):
    _application, (task, *_rest) = _published()
    client.force_login(OfficerFactory(section="国外智力引进与人才科"))
    url = reverse("review:round", args=[task.round_id])
    response = client.post(_act(url, "extend"), {"assignment": task.pk, "due_at": "明天", "reason": "出差"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "延长后的截止时间须晚于现在。" in html
    # The refused form is shown again, open, with the reason as typed.
    assert 'value="出差"' in html and '<details class="extend" open>' in html
    task.refresh_from_db()
    assert task.due_at is None


def test_round_page_registers_a_conflict_that_takes_the_task_out(client):
    _application, (task, *_rest) = _published()
    client.force_login(OfficerFactory(section="国外智力引进与人才科"))
    url = reverse("review:round", args=[task.round_id])
    client.post(
        _act(url, "conflict"), {"assignment": task.pk, "kind": "relative", "reason": "配偶在申报单位"}
    )
    task.refresh_from_db()
    assert task.status == "withdrawn"
    conflict = task.expert.conflicts.get()
    assert (conflict.kind, conflict.reason, conflict.application_id) == (
        "relative",
        "配偶在申报单位",
        task.application_id,
    )


def test_round_page_lists_the_pool_once_not_in_every_row(client):
    application, (task, *_rest) = _published()
    client.force_login(OfficerFactory(section="国外智力引进与人才科"))
    page = client.get(reverse("review:round", args=[task.round_id])).content.decode()
    assert page.count('<datalist id="pool-experts">') == 1
    assert page.count('list="pool-experts"') == 1
    assert page.count(f'<option value="{task.expert_id}">') == 1
    assert application.number in page
    assert "共 1 项，第 1/1 页" in page


def test_round_page_searches_its_applications(client):
    application, (task, *_rest) = _published()
    client.force_login(OfficerFactory(section="国外智力引进与人才科"))
    url = reverse("review:round", args=[task.round_id])
    assert application.number not in client.get(url, {"q": "没有这个项目"}).content.decode()
    assert application.number in client.get(url, {"q": application.number}).content.decode()
