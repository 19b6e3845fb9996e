"""The 军令状 page of a 揭榜 project: read, confirm, print."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from stplan.errors import ServiceError
from stplan.pledges import services
from stplan.pledges.models import Pledge
from stplan.pledges.workflow import PLEDGE
from stplan.workflow import history


def _pledge(user, pk: int) -> Pledge:
    pledge = (
        Pledge.objects.select_related(
            "project__application__leader", "project__application__lead_unit", "item"
        )
        .filter(pk=pk)
        .first()
    )
    if pledge is None or not user.has_perm("projects.view_project", pledge):
        raise Http404
    return pledge


@login_required
def detail(request, pk: int):
    pledge = _pledge(request.user, pk)
    actions = [
        (a, PLEDGE.transitions[a].label) for a in services.available_actions(pledge=pledge, user=request.user)
    ]
    context = {"pledge": pledge, "content": pledge.content, "actions": actions, "history": history(pledge)}
    return render(request, "pledges/detail.html", context)


@login_required
@require_POST
def confirm(request, pk: int, action: str):
    pledge = _pledge(request.user, pk)
    try:
        services.confirm(pledge=pledge, actor=request.user, action=action)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已{PLEDGE.label_of(action)}军令状。")
    return redirect("pledges:detail", pk=pk)


@login_required
def pdf(request, pk: int):
    from weasyprint import HTML

    pledge = _pledge(request.user, pk)
    html = render_to_string("pledges/print.html", {"pledge": pledge, "content": pledge.content})
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="pledge-{pledge.project.number}.pdf"'
    return response
