import pytest
from django.core import mail

from stplan.accounts import services
from stplan.accounts.models import Role, UnitEvent, UnitStatus
from stplan.applications import services as application_services
from stplan.errors import ServiceError
from tests.factories import credit_code
from tests.world import (
    BureauAdminFactory,
    LeaderFactory,
    UnitAdminFactory,
    UnitFactory,
    direction,
    open_guide,
)

pytestmark = pytest.mark.django_db


def _register(code=None, username="qiye-admin"):
    return services.register_unit(
        unit_fields={
            "name": "桂林某科技有限公司",
            "credit_code": code or credit_code(),
            "kind": "enterprise",
            "county": "七星区",
            "address": "七星路1号",
            "contact_name": "王",
            "contact_phone": "0773-1",
            "contact_email": "a@b.cn",
        },
        username=username,
        password="Guilin-2022-pass",
        full_name="王主任",
        email="admin@qiye.cn",
        phone="138",
    )


def test_registration_creates_a_pending_unit_and_its_administrator():
    user = _register()
    assert (user.role, user.unit.status) == (Role.UNIT_ADMIN, UnitStatus.PENDING)
    assert UnitEvent.objects.get(unit=user.unit).to_status == "pending"


def test_registration_normalises_the_credit_code_to_upper_case():
    code = credit_code("91450300MA5L00012")
    assert _register(code.lower()).unit.credit_code == code


def test_registration_with_a_wrong_check_character_is_refused():
    code = credit_code()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ServiceError, match="统一社会信用代码校验码错误"):
        _register(wrong)


def test_second_registration_of_a_credit_code_is_refused():
    code = credit_code()
    _register(code)
    with pytest.raises(ServiceError, match="该统一社会信用代码已注册"):
        _register(code, username="another")


def test_bureau_admin_approves_and_the_unit_admin_is_told(django_capture_on_commit_callbacks):
    unit = _register().unit
    admin = BureauAdminFactory()
    with django_capture_on_commit_callbacks(execute=True):
        unit = services.transition_unit(unit=unit, action="approve", actor=admin)
    assert unit.status == UnitStatus.APPROVED
    assert mail.outbox[-1].to == ["admin@qiye.cn"]
    assert mail.outbox[-1].subject == "【科技计划项目管理系统】单位注册审核已通过：桂林某科技有限公司"


def test_rejection_needs_a_reason_and_the_unit_may_resubmit():
    user = _register()
    admin = BureauAdminFactory()
    with pytest.raises(ServiceError, match="审核不通过须填写理由"):
        services.transition_unit(unit=user.unit, action="reject", actor=admin)
    unit = services.transition_unit(unit=user.unit, action="reject", actor=admin, reason="营业执照不清晰")
    assert (unit.status, unit.review_reason) == (UnitStatus.REJECTED, "营业执照不清晰")
    unit = services.transition_unit(unit=unit, action="resubmit", actor=user)
    assert unit.status == UnitStatus.PENDING
    assert list(UnitEvent.objects.filter(unit=unit).values_list("action", flat=True)) == [
        "register",
        "reject",
        "resubmit",
    ]


def test_unit_admin_cannot_approve_its_own_unit():
    user = _register()
    with pytest.raises(ServiceError, match="没有权限"):
        services.transition_unit(unit=user.unit, action="approve", actor=user)


def test_pending_unit_cannot_invite_people():
    user = _register()
    with pytest.raises(ServiceError, match="注册审核通过后才能邀请"):
        services.invite_person(unit=user.unit, invited_by=user, full_name="张三", email="z@q.cn")


def test_invited_person_becomes_a_leader_of_the_unit_once():
    admin = UnitAdminFactory()
    invitation = services.invite_person(unit=admin.unit, invited_by=admin, full_name="张三", email="z@q.cn")
    leader = services.accept_invitation(
        token=invitation.token, username="zhangsan", password="x-123456-y", phone="1"
    )
    assert (leader.role, leader.unit, leader.full_name) == (Role.LEADER, admin.unit, "张三")
    with pytest.raises(ServiceError, match="邀请链接无效或已被使用"):
        services.accept_invitation(token=invitation.token, username="other", password="x-123456-y", phone="1")


def test_leader_of_a_unit_not_yet_approved_cannot_start_an_application():
    guide = open_guide()
    leader = LeaderFactory(unit=UnitFactory(approved=False))
    with pytest.raises(ServiceError, match="注册审核通过的单位"):
        application_services.create_application(actor=leader, direction=direction(guide, 25))


def test_direction_40_takes_no_applications():
    guide = open_guide()
    with pytest.raises(ServiceError, match="方向40不接受申报"):
        application_services.create_application(actor=LeaderFactory(), direction=direction(guide, 40))
