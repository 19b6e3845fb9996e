"""Pages of 专家论证: the 科室 organises a panel, experts score needs, the 科室 records the opinion."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from stplan.accounts.models import Role
from stplan.appraisals import selectors, services
from stplan.appraisals.forms import OpinionForm, PanelForm, ReasonForm, TaskForm
from stplan.appraisals.models import TaskStatus
from stplan.appraisals.workflow import PANEL
from stplan.challenges.models import Need, in_guide_order
from stplan.errors import ServiceError
from stplan.workflow import history


@login_required
def panels(request):
    if not request.user.has_perm("challenges.manage_challenges"):
        raise PermissionDenied
    form = PanelForm(request.POST or None, calls=selectors.calls_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            panel = services.create_panel(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "论证任务已分配，核对后请发布。")
            return redirect("appraisals:panel", pk=panel.pk)
    return render(
        request, "appraisals/panels.html", {"form": form, "panels": selectors.panels_for(request.user)}
    )


@login_required
def panel_detail(request, pk: int):
    panel = selectors.panel_for(request.user, pk)
    if request.method == "POST":
        form = OpinionForm(request.POST)
        need = (
            Need.objects.filter(pk=form.data.get("need"), call=panel.call_id).first()
            if form.is_valid()
            else None
        )
        if need is None:
            messages.error(request, "请填写专家组意见。")
        else:
            try:
                services.record_opinion(
                    panel=panel,
                    need=need,
                    actor=request.user,
                    recommended=form.cleaned_data["recommended"],
                    opinion=form.cleaned_data["opinion"],
                )
            except ServiceError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "专家组意见已记录。")
        return redirect("appraisals:panel", pk=pk)
    context = {
        "panel": panel,
        "rows": selectors.panel_rows(panel),
        "actions": [(a, PANEL.transitions[a].label) for a in PANEL.available(panel, request.user)],
        "history": history(panel),
    }
    return render(request, "appraisals/panel.html", context)


@login_required
@require_POST
def panel_action(request, pk: int, action: str):
    panel = selectors.panel_for(request.user, pk)
    try:
        services.transition_panel(panel=panel, action=action, actor=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已{PANEL.label_of(action)}。")
    return redirect("appraisals:panel", pk=pk)


@login_required
def mine(request):
    if request.user.role != Role.EXPERT:
        raise PermissionDenied
    return render(request, "appraisals/mine.html", {"tasks": selectors.tasks_of_expert(request.user)})


@login_required
def task_detail(request, pk: int):
    task = selectors.task_for(request.user, pk)
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_task(task=task, actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "论证意见已提交。")
            return redirect("appraisals:mine")
    need = task.need
    metrics = need.call.direction.guide.spec.metrics
    targets = [(metrics[k].label, v, metrics[k].unit) for k, v in in_guide_order(need.targets, metrics)]
    context = {
        "task": task,
        "need": need,
        "targets": targets,
        "form": form,
        "open": task.status == TaskStatus.ASSIGNED,
    }
    return render(request, "appraisals/task.html", context)


@login_required
@require_POST
def task_decline(request, pk: int):
    task = selectors.task_for(request.user, pk)
    form = ReasonForm(request.POST)
    try:
        services.decline_task(
            task=task, actor=request.user, reason=form.data.get("reason", "") if form.is_valid() else ""
        )
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("appraisals:task", pk=pk)
    messages.success(request, "已申请回避，该需求不再由您论证。")
    return redirect("appraisals:mine")
