"""Who may see and do what in 专家评审."""

import rules

from stplan.accounts.models import Role
from stplan.review.models import AssignmentStatus


@rules.predicate
def is_bureau_staff(user):
    return user.is_authenticated and user.role in (Role.OFFICER, Role.BUREAU_ADMIN)


@rules.predicate
def is_expert(user):
    return user.is_authenticated and user.role == Role.EXPERT and hasattr(user, "expert")


@rules.predicate
def is_assigned_expert(user, assignment):
    return (
        assignment is not None
        and is_expert(user)
        and assignment.expert_id == user.expert.pk
        and assignment.status != AssignmentStatus.WITHDRAWN
        and assignment.status != AssignmentStatus.PROPOSED
    )


@rules.predicate
def has_confirmed(user, assignment):
    return assignment is not None and assignment.status in (
        AssignmentStatus.CONFIRMED,
        AssignmentStatus.SUBMITTED,
    )


rules.add_perm("review.manage_review", is_bureau_staff)
rules.add_perm("review.open_assignment", is_assigned_expert)
rules.add_perm("review.read_application", is_assigned_expert & has_confirmed)
rules.add_perm("review.score_assignment", is_assigned_expert & has_confirmed)
