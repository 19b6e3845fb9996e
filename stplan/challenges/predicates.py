"""Who may put, review and publish technology needs and 榜单 items."""

import rules

from stplan.accounts.models import Role, UnitStatus


@rules.predicate
def is_enterprise_person(user):
    """Someone acting for an approved enterprise: the ones a call for needs asks."""
    unit = user.unit if user.is_authenticated else None
    return (
        user.is_authenticated
        and user.role in (Role.UNIT_ADMIN, Role.LEADER)
        and unit is not None
        and unit.kind == "enterprise"
        and unit.status == UnitStatus.APPROVED
    )


@rules.predicate
def is_need_unit_person(user, need):
    return (
        need is not None
        and user.role in (Role.UNIT_ADMIN, Role.LEADER)
        and user.unit_id is not None
        and need.unit_id == user.unit_id
    )


@rules.predicate
def is_bureau_admin(user):
    return user.is_authenticated and user.role == Role.BUREAU_ADMIN


def _section(obj) -> str:
    """The 科室 of a need's or an item's 方向, or of a 方向 itself."""
    if hasattr(obj, "call"):
        return obj.call.direction.section
    return obj.direction.section if hasattr(obj, "direction") else obj.section


@rules.predicate
def is_section_officer(user, obj):
    """An officer of the 科室 of the 方向 (or of the need's or item's 方向)."""
    return (
        obj is not None and user.role == Role.OFFICER and bool(user.section) and _section(obj) == user.section
    )


@rules.predicate
def is_editable(user, need):
    return need is not None and need.status in ("draft", "returned")


@rules.predicate
def is_put(user, need):
    """Submitted at least once: a draft stays its unit's own."""
    return need is not None and need.status not in ("draft", "withdrawn")


@rules.predicate
def is_officer(user):
    return user.is_authenticated and user.role == Role.OFFICER


manages = is_section_officer | is_bureau_admin

rules.add_perm("challenges.create_need", is_enterprise_person)
rules.add_perm("challenges.view_need", is_need_unit_person | (is_put & manages))
rules.add_perm("challenges.change_need", is_need_unit_person & is_editable)
rules.add_perm("challenges.submit_need", is_need_unit_person)
rules.add_perm("challenges.review_need", manages)
rules.add_perm("challenges.manage_item", manages)
rules.add_perm("challenges.manage_challenges", is_bureau_admin | is_officer)
