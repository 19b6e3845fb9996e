"""Who may see and do what with an application, as django-rules predicates.

The transition table names one permission per action; views and the transition function
ask `user.has_perm(permission, application)`, so the matrix lives here and only here.
"""

import rules

from stplan.accounts.models import Role, UnitStatus
from stplan.applications.window import window_problem


@rules.predicate
def is_leader(user, application):
    return application is not None and user.role == Role.LEADER and application.leader_id == user.pk


@rules.predicate
def is_lead_unit_admin(user, application):
    return (
        application is not None
        and user.role == Role.UNIT_ADMIN
        and user.unit_id is not None
        and application.lead_unit_id == user.unit_id
    )


@rules.predicate
def is_its_recommender(user, application):
    return (
        application is not None
        and user.role == Role.RECOMMENDER
        and user.unit_id is not None
        and user.unit.status == UnitStatus.APPROVED
        and application.recommender_id == user.unit_id
    )


@rules.predicate
def is_section_officer(user, application):
    return (
        application is not None
        and user.role == Role.OFFICER
        and bool(user.section)
        and application.direction.section == user.section
    )


@rules.predicate
def is_bureau_admin(user):
    return user.is_authenticated and user.role == Role.BUREAU_ADMIN


@rules.predicate
def is_submitted(user, application):
    """Ever submitted: a draft withdrawn before submission stays its applicant's own."""
    return application is not None and application.version > 0


@rules.predicate
def is_editable(user, application):
    """A draft or a returned application, while the call (or its revision days) is open."""
    return application is not None and application.is_editable and window_problem(application) is None


@rules.predicate
def is_bureau_staff(user):
    return user.is_authenticated and user.role in (Role.OFFICER, Role.BUREAU_ADMIN)


is_reviewer = is_section_officer | is_bureau_admin

rules.add_perm(
    "applications.view_application",
    is_leader | is_lead_unit_admin | (is_submitted & (is_its_recommender | is_reviewer)),
)
rules.add_perm("applications.change_application", is_leader & is_editable)
rules.add_perm("applications.submit_application", is_leader)
rules.add_perm("applications.withdraw_application", is_leader)
rules.add_perm("applications.unit_review_application", is_lead_unit_admin)
rules.add_perm("applications.recommend_application", is_its_recommender)
rules.add_perm("applications.formal_review_application", is_reviewer)
rules.add_perm("applications.fund_application", is_reviewer)
rules.add_perm("applications.export_applications", is_bureau_staff)
