"""An approved unit's name, kind, county and 资质 change only when the bureau approves."""

import pytest
from django.urls import reverse

from stplan.accounts import services
from stplan.accounts.models import UnitChangeStatus
from stplan.errors import ServiceError
from tests.world import (
    BureauAdminFactory,
    ExpertFactory,
    LeaderFactory,
    OfficerFactory,
    RecommenderFactory,
    UnitAdminFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def _fields(unit, **changes):
    names = ("name", "kind", "county", "address", "contact_name", "contact_phone", "contact_email")
    return {**{n: getattr(unit, n) for n in names}, "qualifications": list(unit.qualifications), **changes}


def test_unit_rename_and_new_qualification_wait_for_the_bureau():
    unit = UnitFactory(name="桂林测试大学")
    admin = UnitAdminFactory(unit=unit)
    change = services.update_unit(
        unit=unit,
        actor=admin,
        fields=_fields(
            unit, name="桂林新名大学", qualifications=["high_tech_enterprise"], contact_phone="0773-7654321"
        ),
    )
    unit.refresh_from_db()
    assert (unit.name, unit.qualifications, unit.contact_phone) == ("桂林测试大学", [], "0773-7654321")
    assert change.status == UnitChangeStatus.PENDING
    assert change.changes == {
        "name": {"before": "桂林测试大学", "after": "桂林新名大学"},
        "qualifications": {"before": [], "after": ["high_tech_enterprise"]},
    }
    assert list(change.events.values_list("action", flat=True)) == ["request"]
    assert unit.events.filter(action="update").get().payload == {
        "changes": {"联系电话": "0773-1234567 → 0773-7654321"}
    }


def test_unit_change_approved_by_the_bureau_takes_effect_with_a_record():
    unit = UnitFactory(name="桂林测试大学")
    change = services.update_unit(
        unit=unit, actor=UnitAdminFactory(unit=unit), fields=_fields(unit, name="桂林新名大学")
    )
    bureau = BureauAdminFactory()
    services.decide_unit_change(change=change, actor=bureau, approve=True)
    unit.refresh_from_db()
    assert unit.name == "桂林新名大学"
    event = unit.events.filter(action="update").last()
    assert (event.actor, event.payload) == (bureau, {"changes": {"单位名称": "桂林测试大学 → 桂林新名大学"}})


def test_unit_change_rejected_needs_a_reason_and_keeps_the_approved_values():
    unit = UnitFactory(name="桂林测试大学")
    change = services.update_unit(
        unit=unit, actor=UnitAdminFactory(unit=unit), fields=_fields(unit, kind="enterprise")
    )
    bureau = BureauAdminFactory()
    with pytest.raises(ServiceError, match=r"^单位信息变更审核不通过须填写理由。$"):
        services.decide_unit_change(change=change, actor=bureau, approve=False)
    change = services.decide_unit_change(
        change=change, actor=bureau, approve=False, reason="无营业执照变更证明"
    )
    unit.refresh_from_db()
    assert (change.status, unit.kind) == (UnitChangeStatus.REJECTED, "university")


def test_second_unit_change_waits_for_the_first():
    unit = UnitFactory()
    admin = UnitAdminFactory(unit=unit)
    services.update_unit(unit=unit, actor=admin, fields=_fields(unit, county="临桂区"))
    with pytest.raises(ServiceError, match=r"^本单位已有待科技局审核的信息变更"):
        services.update_unit(unit=unit, actor=admin, fields=_fields(unit, county="秀峰区"))


def test_unit_change_is_decided_only_by_the_bureau_admin(client):
    unit = UnitFactory()
    admin = UnitAdminFactory(unit=unit)
    change = services.update_unit(unit=unit, actor=admin, fields=_fields(unit, county="临桂区"))
    with pytest.raises(ServiceError, match=r"^您没有权限进行此操作。$"):
        services.decide_unit_change(change=change, actor=admin, approve=True)
    client.force_login(admin)
    assert (
        client.post(reverse("accounts:unit_change", args=[change.pk]), {"decision": "approve"}).status_code
        == 403
    )
    client.force_login(BureauAdminFactory())
    page = client.get(reverse("accounts:registration_detail", args=[unit.pk])).content.decode()
    assert "七星区 → 临桂区" in page
    client.post(reverse("accounts:unit_change", args=[change.pk]), {"decision": "approve"})
    unit.refresh_from_db()
    assert unit.county == "临桂区"


def test_pending_unit_changes_its_record_directly():
    unit = UnitFactory(approved=False)
    change = services.update_unit(
        unit=unit, actor=UnitAdminFactory(unit=unit), fields=_fields(unit, name="改名后待审核单位")
    )
    unit.refresh_from_db()
    assert (change, unit.name) == (None, "改名后待审核单位")


# Who may decide a unit's change, by hand: only the 局管理员; anyone else is refused and
# nothing changes.
DECIDES = {
    "anonymous": (302, False),
    "leader_own": (403, False),
    "unit_admin_own": (403, False),
    "unit_admin_other": (403, False),
    "recommender": (403, False),
    "officer": (403, False),
    "expert": (403, False),
    "bureau_admin": (302, True),
}


@pytest.mark.parametrize(("actor", "expected"), DECIDES.items())
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unit_change_decision_matrix(client, actor, expected, method):
    unit = UnitFactory()
    admin = UnitAdminFactory(unit=unit)
    change = services.update_unit(unit=unit, actor=admin, fields=_fields(unit, county="临桂区"))
    people = {
        "leader_own": lambda: LeaderFactory(unit=unit),
        "unit_admin_own": lambda: admin,
        "unit_admin_other": UnitAdminFactory,
        "recommender": RecommenderFactory,
        "officer": OfficerFactory,
        "expert": lambda: ExpertFactory().user,
        "bureau_admin": BureauAdminFactory,
    }
    if actor != "anonymous":
        client.force_login(people[actor]())
    url = reverse("accounts:unit_change", args=[change.pk])
    response = client.post(url, {"decision": "approve"}) if method == "POST" else client.get(url)
    status, takes_effect = expected
    if method == "GET":
        # The decision is a POST only: a GET is refused before anything is looked at.
        status, takes_effect = (302 if actor == "anonymous" else 405), False
    assert response.status_code == status
    change.refresh_from_db()
    assert change.status == (UnitChangeStatus.APPROVED if takes_effect else UnitChangeStatus.PENDING)


def test_registration_resubmit_by_someone_without_a_unit_is_forbidden(client):
    client.force_login(BureauAdminFactory())
    assert client.post(reverse("accounts:resubmit_registration")).status_code == 403
