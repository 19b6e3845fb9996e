"""The 验收专家组 and certificate part of a project's page, in one tag so the page names it once."""

from django import template

from stplan.projects import acceptance_panel as panels
from stplan.projects.models import AcceptanceCertificate

register = template.Library()


@register.inclusion_tag("projects/_acceptance_section.html", takes_context=True)
def acceptance_section(context, project):
    user = context["request"].user
    acceptance = getattr(project, "acceptance", None)
    current = panels.current_panel(acceptance)
    manager = user.has_perm("projects.manage_project", project)
    return {
        "project": project,
        "acceptance": acceptance,
        "panel": current,
        "result": panels.panel_result(current) if current and manager else None,
        "is_manager": manager,
        "certifiable": acceptance is not None and acceptance.status in panels.CERTIFICATES,
        "certificate": AcceptanceCertificate.objects.filter(acceptance=acceptance).first()
        if acceptance
        else None,
    }
