"""Who may run a 专家论证 and who scores in it."""

import rules

from stplan.accounts.models import Role


@rules.predicate
def manages_panel(user, panel):
    if panel is None or not user.is_authenticated:
        return False
    if user.role == Role.BUREAU_ADMIN:
        return True
    return user.role == Role.OFFICER and bool(user.section) and panel.call.direction.section == user.section


@rules.predicate
def is_task_expert(user, task):
    return task is not None and user.role == Role.EXPERT and task.expert.user_id == user.pk


rules.add_perm("appraisals.manage_panel", manages_panel)
rules.add_perm("appraisals.score_task", is_task_expert)
