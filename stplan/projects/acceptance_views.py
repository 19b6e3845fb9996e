"""Pages of the 验收专家组: the 科室 forms and runs the panel, experts judge the project's
indicators, and the 验收证书 / 结题证书 for the project's people and the bureau."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from stplan.accounts.models import Role
from stplan.errors import ServiceError
from stplan.projects import acceptance_panel as panels
from stplan.projects import selectors
from stplan.projects.models import AcceptanceReviewStatus
from stplan.projects.workflow import ACCEPTANCE_PANEL
from stplan.web import whole_number
from stplan.workflow import history


def _managed_project(request, pk):
    project = get_object_or_404(selectors.visible_projects(request.user), pk=pk)
    if not request.user.has_perm("projects.manage_project", project):
        raise PermissionDenied
    return project


def _due_at(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@login_required
def panel(request, pk: int):
    """The 科室's page of a project's 验收专家组: form one, publish, follow, close."""
    project = _managed_project(request, pk)
    acceptance = getattr(project, "acceptance", None)
    typed = {"experts": request.POST.get("experts", "5"), "due_at": request.POST.get("due_at", "")}
    if request.method == "POST":
        due_at = _due_at(typed["due_at"])
        if due_at is None:
            messages.error(request, "请填写评审截止时间。")
        else:
            try:
                panels.form_panel(
                    project=project,
                    actor=request.user,
                    experts=whole_number(typed["experts"], 0, largest=100),
                    due_at=due_at,
                )
            except ServiceError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "验收专家组已组建，核对后请发布。")
                return redirect("projects:acceptance_panel", pk=pk)
    current = panels.current_panel(acceptance)
    context = {
        "project": project,
        "acceptance": acceptance,
        "result": panels.panel_result(current) if current else None,
        "actions": [
            (a, ACCEPTANCE_PANEL.transitions[a].label)
            for a in ACCEPTANCE_PANEL.available(current, request.user)
        ]
        if current
        else [],
        "can_form": acceptance is not None
        and acceptance.status == "submitted"
        and (current is None or current.status == "closed"),
        "typed": typed,
        "history": history(*acceptance.panels.all()) if acceptance else [],
    }
    return render(request, "projects/acceptance_panel.html", context)


@login_required
@require_POST
def panel_action(request, pk: int, action: str):
    project = _managed_project(request, pk)
    current = panels.current_panel(getattr(project, "acceptance", None))
    if current is None:
        raise Http404
    try:
        panels.transition_panel(panel=current, action=action, actor=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已{ACCEPTANCE_PANEL.label_of(action)}。")
    return redirect("projects:acceptance_panel", pk=pk)


@login_required
def reviews(request):
    """我的验收评审."""
    if request.user.role != Role.EXPERT:
        raise PermissionDenied
    return render(
        request, "projects/acceptance_reviews.html", {"reviews": panels.reviews_of_expert(request.user)}
    )


def _posted(request, metrics):
    return (
        {m: request.POST.get(f"rating-{m}", "") for m in metrics},
        {m: request.POST.get(f"remark-{m}", "")[:500] for m in metrics},
    )


@login_required
def review(request, pk: int):
    found = panels.review_for(request.user, pk)
    context = panels.review_context(found)
    metrics = [row["metric"] for row in context["comparison"]]
    ratings, remarks = (found.ratings, found.remarks)
    opinion, comment = found.opinion, found.comment
    if request.method == "POST":
        ratings, remarks = _posted(request, metrics)
        opinion, comment = request.POST.get("opinion", ""), request.POST.get("comment", "")[:5000]
        try:
            panels.submit_review(
                review=found,
                actor=request.user,
                ratings=ratings,
                remarks=remarks,
                opinion=opinion,
                comment=comment,
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "验收评审意见已提交。")
            return redirect("projects:acceptance_reviews")
    rows = [
        {**row, "rating": ratings.get(row["metric"], ""), "remark": remarks.get(row["metric"], "")}
        for row in context["comparison"]
    ]
    context.update(
        {
            "review": found,
            "rows": rows,
            "opinion": opinion,
            "comment": comment,
            "open": found.status == AcceptanceReviewStatus.ASSIGNED,
        }
    )
    return render(request, "projects/acceptance_review.html", context)


@login_required
@require_POST
def review_decline(request, pk: int):
    found = panels.review_for(request.user, pk)
    try:
        panels.decline_review(review=found, actor=request.user, reason=request.POST.get("reason", "")[:2000])
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("projects:acceptance_review", pk=pk)
    messages.success(request, "已申请回避，该项目不再由您评审。")
    return redirect("projects:acceptance_reviews")


@login_required
def evidence(request, pk: int, file_pk: int):
    """An 验收佐证 file, for the experts of the project's panel."""
    found = panels.evidence_for(panels.review_for(request.user, pk), file_pk)
    return FileResponse(found.file.open("rb"), filename=found.original_name)


@login_required
def certificate(request, pk: int):
    """验收证书 / 结题证书, for the 负责人, the unit and the bureau."""
    project = get_object_or_404(selectors.visible_projects(request.user), pk=pk)
    issued = panels.certificate_of(project, actor=request.user)
    response = FileResponse(issued.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{issued.number}.pdf"'
    return response
