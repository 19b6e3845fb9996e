"""Who may prepare and decide a funding plan and handle objections to it.

A plan belongs to whoever manages its review round: the 科室 of all its 方向, or the
局管理员 for a round across 科室.
"""

import rules

from stplan.review.predicates import is_application_officer, is_bureau_admin, manages_round


@rules.predicate
def manages_plan(user, plan):
    return plan is not None and manages_round(user, plan.review_round)


@rules.predicate
def handles_objection(user, objection):
    if objection is None:
        return False
    if objection.application_id is not None:
        return is_bureau_admin(user) or is_application_officer(user, objection.application)
    return manages_plan(user, objection.plan)


rules.add_perm("funding.manage_plan", manages_plan)
rules.add_perm("funding.handle_objection", handles_objection)
