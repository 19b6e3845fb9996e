"""Who may see and do what in 专家评审.

A review round belongs to the 科室 that manages every one of its 方向; a round that spans
several 科室 is the bureau's, run by the 局管理员.
"""

import rules

from stplan.accounts.models import Role
from stplan.review.models import AssignmentStatus


@rules.predicate
def is_bureau_staff(user):
    return user.is_authenticated and user.role in (Role.OFFICER, Role.BUREAU_ADMIN)


@rules.predicate
def is_bureau_admin(user):
    return user.is_authenticated and user.role == Role.BUREAU_ADMIN


def sections_of(review_round) -> set[str]:
    return set(review_round.directions.values_list("section", flat=True))


def officer_manages_sections(user, sections: set[str]) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.OFFICER
        and bool(user.section)
        and bool(sections)
        and sections == {user.section}
    )


@rules.predicate
def is_round_officer(user, review_round):
    return review_round is not None and officer_manages_sections(user, sections_of(review_round))


manages_round = is_bureau_admin | is_round_officer


@rules.predicate
def manages_assignment_round(user, assignment):
    return assignment is not None and manages_round(user, assignment.round)


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


@rules.predicate
def may_score_review(user, review):
    return review is not None and (is_assigned_expert & has_confirmed)(user, review.assignment)


@rules.predicate
def manages_review_round(user, review):
    return review is not None and manages_round(user, review.assignment.round)


@rules.predicate
def is_application_officer(user, application):
    return (
        application is not None
        and user.is_authenticated
        and user.role == Role.OFFICER
        and bool(user.section)
        and application.direction.section == user.section
    )


# The expert pool serves every 科室.
rules.add_perm("review.manage_review", is_bureau_staff)
rules.add_perm("review.manage_round", manages_round)
rules.add_perm("review.declare_conflict", is_bureau_admin | is_application_officer)
rules.add_perm("review.manage_assignment", manages_assignment_round)
rules.add_perm("review.open_assignment", is_assigned_expert)
rules.add_perm("review.withdraw_assignment", is_assigned_expert | manages_assignment_round)
rules.add_perm("review.read_application", is_assigned_expert & has_confirmed)
rules.add_perm("review.score_assignment", is_assigned_expert & has_confirmed)
rules.add_perm("review.submit_review", may_score_review)
rules.add_perm("review.revoke_review", manages_review_round)
