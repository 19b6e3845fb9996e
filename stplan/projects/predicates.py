import rules

from stplan.accounts.models import Role


@rules.predicate
def is_project_leader(user, project):
    return project is not None and user.role == Role.LEADER and project.application.leader_id == user.pk


@rules.predicate
def is_project_unit_admin(user, project):
    return (
        project is not None
        and user.role == Role.UNIT_ADMIN
        and user.unit_id is not None
        and project.application.lead_unit_id == user.unit_id
    )


@rules.predicate
def is_project_officer(user, project):
    return (
        project is not None
        and user.role == Role.OFFICER
        and project.application.direction.section == user.section
    )


@rules.predicate
def is_bureau_admin(user):
    return user.is_authenticated and user.role == Role.BUREAU_ADMIN


is_manager = is_project_officer | is_bureau_admin

rules.add_perm("projects.view_project", is_project_leader | is_project_unit_admin | is_manager)
rules.add_perm("projects.act_as_leader", is_project_leader)
rules.add_perm("projects.act_as_unit", is_project_unit_admin)
rules.add_perm("projects.manage_project", is_manager)
