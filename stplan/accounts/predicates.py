"""Who may act on a unit's registration."""

import rules

from stplan.accounts.models import Role


@rules.predicate
def is_bureau_admin(user):
    return user.is_authenticated and user.role == Role.BUREAU_ADMIN


@rules.predicate
def is_its_unit_admin(user, unit):
    return unit is not None and user.role == Role.UNIT_ADMIN and user.unit_id == unit.pk


rules.add_perm("accounts.review_unit", is_bureau_admin)
rules.add_perm("accounts.resubmit_unit", is_its_unit_admin)
rules.add_perm("accounts.change_unit_record", is_its_unit_admin)
