import pytest
from django.urls import reverse

from stplan.accounts.models import Unit
from stplan.applications import services
from stplan.applications.models import FindingOverride, Status
from tests.world import (
    BureauAdminFactory,
    OfficerFactory,
    RecommenderFactory,
    UnitAdminFactory,
    open_guide,
    recommended_6,
    submitted_25,
)

pytestmark = pytest.mark.django_db


def _recommended():
    application = submitted_25(guide=open_guide())
    services.transition(
        application=application, action="unit_approve", actor=UnitAdminFactory(unit=application.lead_unit)
    )
    return services.transition(
        application=application, action="recommend", actor=RecommenderFactory(unit=application.recommender)
    )


def test_review_page_shows_the_submitted_attachments_and_the_automatic_findings(client):
    application = _recommended()
    client.force_login(OfficerFactory())
    html = client.get(reverse("applications:review", args=[application.pk])).content.decode()
    for name in (
        "id_card.pdf",
        "doctorate_certificate.pdf",
        "guilin_arrival_proof.pdf",
        "matching_commitment.pdf",
    ):
        assert name in html
    assert "未发现不符合申报要求的情况。" in html
    assert 'value="formal_pass"' in html


def test_rejection_without_a_reason_is_refused_and_the_status_kept(client):
    application = _recommended()
    client.force_login(OfficerFactory())
    response = client.post(
        reverse("applications:review", args=[application.pk]), {"decision": "formal_reject"}, follow=True
    )
    assert "形式审查不通过须填写理由。" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED


def test_passing_returns_to_the_desk_with_the_new_status(client):
    application = _recommended()
    client.force_login(OfficerFactory())
    response = client.post(reverse("applications:review", args=[application.pk]), {"decision": "formal_pass"})
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:desk")
    application.refresh_from_db()
    assert application.status == Status.PASSED


def test_officer_passes_over_an_automatic_error_only_with_a_written_reason(client):
    application = recommended_6(open_guide())
    Unit.objects.filter(pk=application.lead_unit_id).update(kind="institute")
    client.force_login(OfficerFactory(section="高新技术科"))
    url = reverse("applications:review", args=[application.pk])
    (error,) = [f.as_dict() for f in services.recheck(application).findings if f.severity == "error"]
    field = f"override-{services.override_key(error)}"
    assert f'name="{field}"' in client.get(url).content.decode()
    refused = client.post(url, {"decision": "formal_pass"}, follow=True).content.decode()
    assert "未处理：通过前须写明不予采纳的理由。" in refused
    client.post(url, {"decision": "formal_pass", field: "已核对营业执照，系登记错误。"})
    application.refresh_from_db()
    assert application.status == Status.PASSED
    assert FindingOverride.objects.get(application=application).reason == "已核对营业执照，系登记错误。"


def test_desk_lists_only_the_officers_section(client):
    application = _recommended()
    client.force_login(OfficerFactory(section="农业农村科技科"))
    html = client.get(reverse("applications:desk")).content.decode()
    assert application.number not in html
    client.force_login(OfficerFactory())
    assert application.number in client.get(reverse("applications:desk")).content.decode()


def test_filter_by_status_on_the_desk(client):
    application = _recommended()
    client.force_login(OfficerFactory())
    passed = client.get(reverse("applications:desk"), {"status": "passed"}).content.decode()
    recommended = client.get(reverse("applications:desk"), {"status": "recommended"}).content.decode()
    assert application.number not in passed
    assert application.number in recommended
    assert not FindingOverride.objects.exists()


def test_override_reason_typed_before_an_error_is_kept(client):
    application = recommended_6(open_guide())
    Unit.objects.filter(pk=application.lead_unit_id).update(kind="institute")
    client.force_login(OfficerFactory(section="高新技术科"))
    url = reverse("applications:review", args=[application.pk])
    (error,) = [f.as_dict() for f in services.recheck(application).findings if f.severity == "error"]
    field = f"override-{services.override_key(error)}"
    html = client.post(url, {field: "已核对营业执照。"}, follow=True).content.decode()
    assert "请选择审查结论。" in html
    assert "已核对营业执照。</textarea>" in html


def test_places_held_by_others_leave_out_the_applications_own():
    from collections import Counter

    from stplan.applications.selectors import OthersHeld

    place, other = (25, "per_unit", "A"), (25, "per_unit", "B")
    held = OthersHeld(Counter({place: 3, other: 1}), Counter({place: 1, other: 1}))
    assert held.get(place, 0) == 2
    assert held.get(other, 0) == 0
    assert held.get((6, "per_county", "C"), 0) == 0
    assert dict(held) == {place: 2}


def test_desk_pages_sorts_and_searches(client):
    first, second = _recommended(), _recommended()
    client.force_login(OfficerFactory())
    url = reverse("applications:desk")
    latest = client.get(url, {"sort": "latest"}).content.decode()
    assert latest.index(second.number) < latest.index(first.number)
    found = client.get(url, {"q": first.number}).content.decode()
    assert first.number in found
    assert second.number not in found
    assert "共 1 项，第 1/1 页" in found


def _bulk(client, applications, decision, reason=""):
    data = {"applications": [a.pk for a in applications], "decision": decision, "reason": reason}
    return client.post(reverse("applications:desk_bulk"), data, follow=True)


def test_desk_bulk_pass_decides_each_and_names_the_refused_by_number(client):
    plain = _recommended()
    flagged = recommended_6(plain.guide)
    Unit.objects.filter(pk=flagged.lead_unit_id).update(kind="institute")
    client.force_login(BureauAdminFactory())

    page = _bulk(client, [plain, flagged], "formal_pass").content.decode()

    plain.refresh_from_db()
    flagged.refresh_from_db()
    assert (plain.status, flagged.status) == (Status.PASSED, Status.RECOMMENDED)
    assert f"形式审查通过 1 项：{plain.number}" in page
    assert f"{flagged.number} 未办理：自动审查错误项" in page
    assert f"{flagged.pk}：" not in page


def test_desk_bulk_return_without_a_reason_keeps_the_ticks_and_the_statuses(client):
    first, second = _recommended(), _recommended()
    client.force_login(OfficerFactory())

    response = _bulk(client, [first, second], "formal_return")

    page = response.content.decode()
    assert response.status_code == 200
    for application in (first, second):
        assert f"{application.number} 未办理：" in page
        assert (
            f'value="{application.pk}" form="desk-bulk" aria-label="选择 {application.number}" checked'
            in page
        )
        application.refresh_from_db()
        assert application.status == Status.RECOMMENDED


def test_desk_bulk_return_with_a_reason_returns_all_ticked(client):
    first, second, left = _recommended(), _recommended(), _recommended()
    client.force_login(OfficerFactory())

    _bulk(client, [first, second], "formal_return", "请补充配套经费承诺书。")

    for application, status in (
        (first, Status.RETURNED),
        (second, Status.RETURNED),
        (left, Status.RECOMMENDED),
    ):
        application.refresh_from_db()
        assert application.status == status


def test_desk_bulk_refuses_an_application_of_another_section(client):
    application = _recommended()
    client.force_login(OfficerFactory(section="高新技术科"))

    page = _bulk(client, [application], "formal_pass").content.decode()

    assert "所选申报书已不在您的审查列表中，请刷新页面。" in page
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED


def test_desk_offers_ticks_only_for_applications_waiting_for_review(client):
    waiting = _recommended()
    services.transition(application=_recommended(), action="formal_pass", actor=BureauAdminFactory())
    client.force_login(OfficerFactory())

    page = client.get(reverse("applications:desk")).content.decode()

    assert page.count('name="applications"') == 1
    assert f'value="{waiting.pk}" form="desk-bulk"' in page
    assert 'data-select-all="applications"' in page
