"""Who may see and act on a funded project and what belongs to it (任务书, tranches,
reports, changes, 验收): the predicates take the project or any of its parts."""

import rules

from stplan.accounts.models import Role
from stplan.guides.models import Direction


def _project(obj):
    return obj if obj is None or not hasattr(obj, "project") else obj.project


@rules.predicate
def is_project_leader(user, obj):
    project = _project(obj)
    return project is not None and user.role == Role.LEADER and project.application.leader_id == user.pk


@rules.predicate
def is_project_unit_admin(user, obj):
    project = _project(obj)
    return (
        project is not None
        and user.role == Role.UNIT_ADMIN
        and user.unit_id is not None
        and project.application.lead_unit_id == user.unit_id
    )


@rules.predicate
def is_project_officer(user, obj):
    project = _project(obj)
    return (
        project is not None
        and user.role == Role.OFFICER
        and bool(user.section)
        and project.application.direction.section == user.section
    )


@rules.predicate
def is_bureau_admin(user):
    return user.is_authenticated and user.role == Role.BUREAU_ADMIN


@rules.predicate
def is_award_officer(user, award=None):
    """奖励性后补助 belongs to the 科室 of the guide's award 方向 (方向40 in 2022)."""
    return (
        user.is_authenticated
        and user.role == Role.OFFICER
        and bool(user.section)
        and Direction.objects.filter(funding_mode="award", section=user.section).exists()
    )


is_manager = is_project_officer | is_bureau_admin

rules.add_perm("projects.view_project", is_project_leader | is_project_unit_admin | is_manager)
rules.add_perm("projects.act_as_leader", is_project_leader)
rules.add_perm("projects.act_as_unit", is_project_unit_admin)
rules.add_perm("projects.manage_project", is_manager)
rules.add_perm("projects.manage_awards", is_award_officer | is_bureau_admin)


@rules.predicate
def is_acceptance_expert(user, review):
    return review is not None and user.role == Role.EXPERT and review.expert.user_id == user.pk


rules.add_perm("projects.score_acceptance", is_acceptance_expert)
