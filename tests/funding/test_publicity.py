"""The public 公示: where it is linked from, what the list says (负责人, amounts, where to object
and until when), the period's wording following its dates, and the objection form."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stplan.errors import ServiceError
from stplan.funding import selectors, services
from stplan.funding.models import Objection
from tests.funding.test_bad_input import shown_messages
from tests.world import OfficerFactory, open_guide, scored_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def publicized():
    current, (first, _second), staff = scored_round(open_guide(), [90, 80])
    plan = services.create_plan(actor=staff, review_round=current, name="第一批", total_budget=100_000)
    plan = services.publicize(plan=plan, actor=staff, days=5)
    return plan, first, staff


def _page(plan) -> str:
    return Client().get(reverse("funding:publicity", args=[plan.pk])).content.decode()


def test_publicity_list_is_linked_for_visitors_from_the_header_and_the_guides(publicized):
    plan, _first, _staff = publicized
    visitor = Client()
    listed = reverse("funding:publicity_list")
    guides = visitor.get(reverse("guides:guide_list")).content.decode()
    header, footer = guides.split("</header>")[0], guides.split("<footer")[1]
    assert f'<a href="{listed}">立项公示</a>' in header and f'<a href="{listed}">立项公示</a>' in footer
    assert 'id="publicity-link"' in guides
    detail = visitor.get(reverse("guides:guide_detail", args=[plan.guide.slug])).content.decode()
    assert f'<a href="{listed}">立项公示</a>' in detail
    page = visitor.get(listed).content.decode()
    assert reverse("funding:publicity", args=[plan.pk]) in page
    assert "公示中" in page and reverse("funding:objection", args=[plan.pk]) in page


def test_publicity_shows_the_leader_the_amount_and_an_objection_button_per_row(publicized):
    plan, first, _staff = publicized
    page = _page(plan)
    item = plan.items.get(application=first)
    assert f'<td data-label="负责人">{first.leader.full_name}</td>' in page
    assert f'<td data-label="资助金额">{item.amount // 10_000}万元</td>' in page
    assert f"{reverse('funding:objection', args=[plan.pk])}?application={first.pk}" in page


def test_running_period_says_so_with_its_deadline_and_not_that_it_ended(publicized):
    plan, _first, _staff = publicized
    page = _page(plan)
    ends = timezone.localtime(plan.publicity_ends).strftime("%Y年%-m月%-d日 %H:%M")
    assert f"截止{ends}" in page
    assert "已结束" not in page


def test_a_plan_final_before_its_stated_period_ends_is_not_called_ended(publicized):
    plan, _first, staff = publicized
    # Decided with the clock of the period's end, while the stated period still runs here.
    services.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    page = _page(plan)
    assert "公示已结束" not in page and "已结束" not in page
    assert "公示中" in page
    assert reverse("funding:objection", args=[plan.pk]) + "?" not in page


def test_period_phase_follows_the_dates(publicized):
    plan, _first, _staff = publicized
    before, during = plan.publicity_starts - timedelta(hours=1), plan.publicity_starts + timedelta(hours=1)
    after = plan.publicity_ends + timedelta(seconds=1)
    assert [selectors.publicity_phase(plan, moment) for moment in (before, during, after)] == [
        "upcoming",
        "running",
        "ended",
    ]
    assert [selectors.objections_open(plan, moment) for moment in (before, during, after)] == [
        False,
        True,
        False,
    ]


def test_contact_for_objections_is_set_by_the_plans_officer_and_shown_to_the_public(publicized, client):
    plan, _first, staff = publicized
    client.force_login(staff)
    url = reverse("funding:publicity_contact", args=[plan.pk])
    values = {
        "objection_office": "桂林市科学技术局 国外智力引进与人才科 张科长",
        "objection_phone": "0773-2825000",
        "objection_email": "kjj@guilin.gov.cn",
        "objection_address": "桂林市临桂区西城中路69号",
    }
    assert client.post(url, values).status_code == 302
    page = _page(plan)
    for value in values.values():
        assert value in page
    ends = timezone.localtime(plan.publicity_ends).strftime("%Y年%-m月%-d日 %H:%M")
    assert f"请于{ends}前提出" in page
    assert list(plan.events.filter(action="contact").values_list("payload", flat=True)) == [values]


def test_contact_without_a_phone_or_email_is_refused_and_kept_as_typed(publicized, client):
    plan, _first, staff = publicized
    client.force_login(staff)
    response = client.post(
        reverse("funding:publicity_contact", args=[plan.pk]),
        {"objection_office": "张科长", "objection_address": "西城中路69号"},
    )
    assert response.status_code == 200
    assert shown_messages(response) == [("error", "请填写异议受理部门及联系人，以及电话或邮箱中的至少一项。")]
    assert 'value="西城中路69号"' in response.content.decode()
    plan.refresh_from_db()
    assert plan.objection_office == ""


def test_an_officer_of_another_section_cannot_set_the_contact(publicized, client):
    plan, _first, _staff = publicized
    client.force_login(OfficerFactory(section="农业农村科技科"))
    response = client.post(
        reverse("funding:publicity_contact", args=[plan.pk]),
        {"objection_office": "他人", "objection_phone": "1"},
    )
    assert response.status_code == 404
    with pytest.raises(ServiceError):
        services.set_publicity_contact(
            plan=plan, actor=OfficerFactory(section="农业农村科技科"), values={"objection_office": "x"}
        )


def test_objection_form_from_a_row_names_that_project_and_records_it(publicized):
    plan, first, _staff = publicized
    visitor = Client()
    url = reverse("funding:objection", args=[plan.pk])
    form = visitor.get(url, {"application": first.pk}).content.decode()
    assert f'<option value="{first.pk}" selected>' in form
    response = visitor.post(
        url, {"application": first.pk, "name": "张三", "contact": "13800000000", "content": "成果重复"}
    )
    assert response["Location"] == reverse("funding:publicity", args=[plan.pk])
    objection = Objection.objects.get()
    assert (objection.application_id, objection.content) == (first.pk, "成果重复")


def test_objection_without_content_is_refused_and_keeps_what_was_typed(publicized):
    plan, first, _staff = publicized
    response = Client().post(
        reverse("funding:objection", args=[plan.pk]),
        {"application": first.pk, "name": "张三的名字", "contact": "13800000000", "content": ""},
    )
    assert response.status_code == 200
    assert shown_messages(response) == [("error", "异议未提交：请按提示修改后再提交。")]
    html = response.content.decode()
    assert 'value="张三的名字"' in html and 'value="13800000000"' in html
    assert f'<option value="{first.pk}" selected>' in html
    assert Objection.objects.count() == 0


def test_objection_after_the_period_is_refused(publicized):
    plan, _first, staff = publicized
    services.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    response = Client().post(
        reverse("funding:objection", args=[plan.pk]), {"name": "张三", "contact": "138", "content": "迟到"}
    )
    assert response.status_code == 200
    assert shown_messages(response) == [("error", "不在公示期内，不能提出异议。")]
    assert Objection.objects.count() == 0
