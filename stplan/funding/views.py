from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from django_ratelimit.decorators import ratelimit
from openpyxl import Workbook

from stplan.errors import ServiceError
from stplan.funding import forms, selectors, services
from stplan.funding.models import FundingPlan, Objection, PlanStatus
from stplan.listing import Sort, listing
from stplan.review.selectors import managed_rounds
from stplan.spreadsheets import append_row
from stplan.web import object_id, xlsx_response

PLAN_ITEM_SORTS = {
    "direction": Sort(gettext_lazy("方向、得分"), ("application__direction__number", "-score", "pk")),
    "score": Sort(gettext_lazy("得分从高到低"), ("-score", "pk")),
    "selected": Sort(
        gettext_lazy("拟立项在前"), ("-selected", "application__direction__number", "-score", "pk")
    ),
    "amount": Sort(gettext_lazy("拟资助金额从高到低"), ("-amount", "pk")),
}


def _staff(request):
    if not request.user.has_perm("review.manage_review"):
        raise PermissionDenied


def _plans_page(request, form=None):
    rounds = managed_rounds(request.user)
    return render(
        request,
        "funding/plans.html",
        {
            "plans": selectors.managed_plans(request.user).select_related("review_round", "batch"),
            "rounds": rounds,
            "batches": selectors.batches_of(rounds),
            "form": form,
        },
    )


@login_required
def plans(request):
    _staff(request)
    if request.method != "POST":
        return _plans_page(request)
    rounds = managed_rounds(request.user)
    form = forms.PlanForm(request.POST, rounds=rounds, batches=selectors.batches_of(rounds))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _plans_page(request, form)
    try:
        plan = services.create_plan(actor=request.user, **form.service_arguments())
    except ServiceError as error:
        messages.error(request, str(error))
        return _plans_page(request, form)
    messages.success(request, _("已生成立项方案“%(name)s”。") % {"name": plan.name})
    return redirect("funding:plan", pk=plan.pk)


def _managed_plan(request, pk) -> FundingPlan:
    _staff(request)
    return get_object_or_404(selectors.managed_plans(request.user), pk=pk)


@login_required
@require_safe
def plan_detail(request, pk):
    plan = _managed_plan(request, pk)
    if request.GET.get("format") == "xlsx":
        return _xlsx(plan, selected_only=False)
    items = listing(
        request,
        plan.items.select_related("application__direction__category", "application__lead_unit").defer(
            "application__form", "application__direction__data"
        ),
        sorts=PLAN_ITEM_SORTS,
        search=("application__number", "application__title", "application__lead_unit__name"),
        per_page=100,
    )
    return render(
        request,
        "funding/plan.html",
        {
            "plan": plan,
            "items": items.rows,
            "listing": items,
            "totals": selectors.totals(plan),
            "others": selectors.managed_plans(request.user).filter(guide=plan.guide).exclude(pk=plan.pk),
            "change_log": selectors.change_log(plan),
            "objections": plan.objections.select_related("application", "handled_by"),
            "editable": plan.status == PlanStatus.DRAFT,
        },
    )


def _done(request, pk, call, success):
    """Runs one service call; its refusal or `success` becomes the message on the plan page."""
    try:
        result = call()
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect("funding:plan", pk=pk)


@login_required
@require_POST
def plan_optimise(request, pk):
    plan = _managed_plan(request, pk)
    return _done(
        request,
        pk,
        lambda: services.optimise(plan=plan, actor=request.user),
        _("已按当前金额和指定重新优化。"),
    )


@login_required
@require_POST
def plan_item_change(request, pk, item_pk):
    plan = _managed_plan(request, pk)
    item = get_object_or_404(plan.items.select_related("application"), pk=item_pk)
    form = forms.ItemChangeForm(request.POST)
    form.is_valid()
    return _done(
        request,
        pk,
        lambda: services.change_item(
            plan=plan, actor=request.user, application=item.application, **form.service_arguments()
        ),
        _("%(number)s：已修改。") % {"number": item.application.number},
    )


@login_required
@require_POST
def plan_publicize(request, pk):
    plan = _managed_plan(request, pk)
    form = forms.PublicizeForm(request.POST)
    form.is_valid()
    return _done(
        request,
        pk,
        lambda: services.publicize(plan=plan, actor=request.user, **form.service_arguments()),
        _("已开始公示。"),
    )


@login_required
@require_POST
def objection_handle(request, pk, objection_pk):
    plan = _managed_plan(request, pk)
    objection = get_object_or_404(Objection, pk=objection_pk, plan=plan)
    form = forms.HandleObjectionForm(request.POST)
    form.is_valid()
    return _done(
        request,
        pk,
        lambda: services.handle_objection(
            objection=objection, actor=request.user, handling=form.cleaned_data["handling"]
        ),
        _("已记录处理意见。"),
    )


@login_required
@require_POST
def plan_finalize(request, pk):
    plan = _managed_plan(request, pk)

    def finalized(result):
        count = result.items.filter(selected=True).count()
        return _("立项完成：%(count)s个项目，已通知项目负责人确认任务书。") % {"count": count}

    return _done(request, pk, lambda: services.finalize(plan=plan, actor=request.user), finalized)


@login_required
def compare(request):
    _staff(request)
    plans = selectors.managed_plans(request.user)
    left = get_object_or_404(plans, pk=object_id(request.GET.get("left")))
    right = get_object_or_404(plans, pk=object_id(request.GET.get("right")))
    return render(
        request,
        "funding/compare.html",
        {
            "left": left,
            "right": right,
            "rows": selectors.compare(left, right),
            "left_totals": selectors.totals(left),
            "right_totals": selectors.totals(right),
        },
    )


def _public_plan(pk) -> FundingPlan:
    plan = FundingPlan.objects.filter(pk=pk, status__in=[PlanStatus.PUBLICIZED, PlanStatus.FINAL]).first()
    if plan is None:
        raise Http404
    return plan


@ratelimit(key="ip", rate="10/h", method="POST", block=False)
def publicity(request, pk):
    """立项公示: the public list, open to anyone, with the objection form while it lasts."""
    plan = _public_plan(pk)
    if request.GET.get("format") == "xlsx":
        return _xlsx(plan, selected_only=True)
    items = plan.items.filter(selected=True).select_related(
        "application__direction", "application__lead_unit"
    )
    if request.GET.get("format") == "pdf":
        from weasyprint import HTML

        html = render_to_string("funding/publicity_print.html", {"plan": plan, "items": items})
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="publicity.pdf"'
        return response
    open_now = (
        plan.status == PlanStatus.PUBLICIZED
        and plan.publicity_starts <= timezone.now() <= plan.publicity_ends
    )
    if request.method == "POST" and open_now and getattr(request, "limited", False):
        messages.error(request, "提交过于频繁，请稍后再试。")
        return redirect("funding:publicity", pk=pk)
    if request.method == "POST" and open_now:
        application = items.filter(application_id=object_id(request.POST.get("application"))).first()
        try:
            services.record_objection(
                plan=plan,
                name=request.POST.get("name", ""),
                contact=request.POST.get("contact", ""),
                content=request.POST.get("content", ""),
                application=application.application if application else None,
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "异议已收到，科技局将核实处理。")
        return redirect("funding:publicity", pk=pk)
    return render(request, "funding/publicity.html", {"plan": plan, "items": items, "open_now": open_now})


def _xlsx(plan: FundingPlan, *, selected_only: bool) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = "立项公示" if selected_only else "立项方案"
    header = ["申报编号", "方向", "项目名称", "承担单位", "资助金额（元）"]
    if not selected_only:
        header += ["评审得分", "可资助上限（元）", "拟立项", "未入选原因"]
    append_row(sheet, header)
    items = plan.items.select_related("application__direction", "application__lead_unit")
    for item in items.filter(selected=True) if selected_only else items:
        a = item.application
        row = [
            a.number,
            a.direction.number,
            a.title,
            a.lead_unit.name,
            item.amount if item.selected else None,
        ]
        if not selected_only:
            row += [item.score, item.fundable_max, "是" if item.selected else "否", "；".join(item.reasons)]
        append_row(sheet, row)
    return xlsx_response(book, f"plan-{plan.pk}.xlsx")
