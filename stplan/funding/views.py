from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from django_ratelimit.decorators import ratelimit
from openpyxl import Workbook

from stplan.errors import ServiceError
from stplan.funding import forms, selectors, services
from stplan.funding.jobs import OPTIMISE
from stplan.funding.models import FundingPlan, Objection, PlanStatus
from stplan.jobs import services as jobs
from stplan.jobs.views import started
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
    job = jobs.start(kind=OPTIMISE, owner=request.user, params={"plan": plan.pk})
    return started(request, job, back=reverse("funding:plan", args=[plan.pk]))


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
    plan = selectors.public_plans().filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def _listed(plan: FundingPlan):
    return plan.items.filter(selected=True).select_related(
        "application__direction", "application__lead_unit", "application__leader"
    )


def publicity_list(request):
    """立项公示: every plan in or past 公示, for anyone, with where its period stands."""
    plans = [(plan, selectors.publicity_phase(plan)) for plan in selectors.public_plans()]
    return render(request, "funding/publicity_list.html", {"plans": plans})


def publicity(request, pk):
    """One plan's 公示: the public list, with where to object while the period runs."""
    plan = _public_plan(pk)
    if request.GET.get("format") == "xlsx":
        return _xlsx(plan, selected_only=True)
    items = _listed(plan)
    if request.GET.get("format") == "pdf":
        from weasyprint import HTML

        html = render_to_string(
            "funding/publicity_print.html",
            {"plan": plan, "items": items, "phase": selectors.publicity_phase(plan)},
        )
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="publicity.pdf"'
        return response
    return render(
        request,
        "funding/publicity.html",
        {
            "plan": plan,
            "items": items,
            "phase": selectors.publicity_phase(plan),
            "open_now": selectors.objections_open(plan),
        },
    )


@ratelimit(key="ip", rate="10/h", method="POST", block=False)
def objection(request, pk):
    """The objection form of one plan's 公示; a refused objection is shown again as typed."""
    plan = _public_plan(pk)
    items = _listed(plan)
    initial = {"application": object_id(request.GET.get("application"))}
    form = forms.ObjectionForm(request.POST or None, items=items, initial=initial)
    open_now = selectors.objections_open(plan)
    if request.method == "POST":
        if getattr(request, "limited", False):
            messages.error(request, _("提交过于频繁，请稍后再试。"))
        elif form.is_valid():
            listed = items.filter(application_id=form.cleaned_data["application"]).first()
            try:
                services.record_objection(
                    plan=plan,
                    name=form.cleaned_data["name"],
                    contact=form.cleaned_data["contact"],
                    content=form.cleaned_data["content"],
                    application=listed.application if listed else None,
                )
            except ServiceError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("异议已收到，科技局将核实处理。"))
                return redirect("funding:publicity", pk=pk)
        else:
            messages.error(request, _("异议未提交：请按提示修改后再提交。"))
    return render(
        request,
        "funding/objection.html",
        {"plan": plan, "form": form, "open_now": open_now, "phase": selectors.publicity_phase(plan)},
    )


@login_required
def publicity_contact(request, pk):
    """Where the public sends objections to a plan: set by whoever runs the plan."""
    _staff(request)
    plan = get_object_or_404(selectors.managed_plans(request.user), pk=pk)
    form = forms.PublicityContactForm(request.POST or None, instance=plan)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_publicity_contact(
                    plan=plan,
                    actor=request.user,
                    values={f: form.cleaned_data[f] for f in services.CONTACT_FIELDS},
                )
            except ServiceError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("已保存异议受理联系方式。"))
                return redirect("funding:publicity_contact", pk=pk)
        else:
            messages.error(request, _("未保存：请按提示修改后再保存。"))
    return render(request, "funding/publicity_contact.html", {"plan": plan, "form": form})


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
