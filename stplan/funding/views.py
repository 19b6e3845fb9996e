from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_ratelimit.decorators import ratelimit
from openpyxl import Workbook

from stplan.errors import ServiceError
from stplan.funding import selectors, services
from stplan.funding.forms import ObjectionForm, PublicityContactForm
from stplan.funding.models import FundingPlan, Objection, PlanStatus
from stplan.listing import Sort, listing
from stplan.review.selectors import managed_rounds
from stplan.spreadsheets import append_row
from stplan.web import decimal_number, object_id, whole_number, xlsx_response
from stplan.workflow import history

PLAN_ITEM_SORTS = {
    "direction": Sort(_("方向、得分"), ("application__direction__number", "-score", "pk")),
    "score": Sort(_("得分从高到低"), ("-score", "pk")),
    "selected": Sort(_("拟立项在前"), ("-selected", "application__direction__number", "-score", "pk")),
    "amount": Sort(_("拟资助金额从高到低"), ("-amount", "pk")),
}


def _staff(request):
    if not request.user.has_perm("review.manage_review"):
        raise PermissionDenied


def _section_budgets(text: str) -> dict[str, int]:
    budgets = {}
    for line in text.splitlines():
        if "=" in line:
            section, amount = line.split("=", 1)
            if (value := whole_number(amount)) is not None and section.strip():
                budgets[section.strip()] = value
    return budgets


@login_required
def plans(request):
    _staff(request)
    if request.method == "POST":
        review_round = (
            managed_rounds(request.user).filter(pk=object_id(request.POST.get("review_round"))).first()
        )
        budget = whole_number(request.POST.get("total_budget"), 0)
        min_score = decimal_number(request.POST.get("min_score") or 60)
        if review_round is None:
            messages.error(request, "请选择评审批次。")
        elif min_score is None:
            messages.error(request, "分数线应为数字。")
        else:
            try:
                plan = services.create_plan(
                    actor=request.user,
                    review_round=review_round,
                    name=request.POST.get("name", "").strip() or "立项方案",
                    total_budget=budget,
                    objective=request.POST.get("objective", "score"),
                    min_score=min_score,
                    section_budgets=_section_budgets(request.POST.get("section_budgets", "")),
                )
            except ServiceError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"已生成立项方案“{plan.name}”。")
                return redirect("funding:plan", pk=plan.pk)
    return render(
        request,
        "funding/plans.html",
        {
            "plans": selectors.managed_plans(request.user).select_related("review_round"),
            "rounds": managed_rounds(request.user),
        },
    )


@login_required
def plan_detail(request, pk):
    _staff(request)
    plan = get_object_or_404(selectors.managed_plans(request.user), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "optimise":
                services.optimise(plan=plan, actor=request.user)
                messages.success(request, "已按当前金额和指定重新优化。")
            elif action == "change":
                item = get_object_or_404(plan.items, pk=object_id(request.POST.get("item")))
                selected = {"in": True, "out": False}.get(request.POST.get("selected", ""))
                amount = whole_number(request.POST.get("amount"))
                services.change_item(
                    plan=plan,
                    actor=request.user,
                    application=item.application,
                    amount=amount,
                    selected=selected,
                )
                messages.success(request, f"{item.application.number}：已修改。")
            elif action == "publicize":
                services.publicize(
                    plan=plan, actor=request.user, days=whole_number(request.POST.get("days"), 7) or 7
                )
                messages.success(request, "已开始公示。")
            elif action == "handle":
                objection = get_object_or_404(
                    Objection, pk=object_id(request.POST.get("objection")), plan=plan
                )
                services.handle_objection(
                    objection=objection, actor=request.user, handling=request.POST.get("handling", "")
                )
                messages.success(request, "已记录处理意见。")
            elif action == "finalize":
                plan = services.finalize(plan=plan, actor=request.user)
                count = plan.items.filter(selected=True).count()
                messages.success(request, f"立项完成：{count}个项目，已通知项目负责人确认任务书。")
            else:
                messages.error(request, "不支持的操作。")
        except ServiceError as error:
            messages.error(request, str(error))
        return redirect("funding:plan", pk=pk)
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
            "history": history(plan, *plan.objections.all()),
            "objections": plan.objections.select_related("application", "handled_by"),
            "editable": plan.status == PlanStatus.DRAFT,
        },
    )


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
    form = ObjectionForm(request.POST or None, items=items, initial=initial)
    open_now = selectors.objections_open(plan)
    if request.method == "POST":
        if getattr(request, "limited", False):
            messages.error(request, gettext("提交过于频繁，请稍后再试。"))
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
                messages.success(request, gettext("异议已收到，科技局将核实处理。"))
                return redirect("funding:publicity", pk=pk)
        else:
            messages.error(request, gettext("异议未提交：请按提示修改后再提交。"))
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
    form = PublicityContactForm(request.POST or None, instance=plan)
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
                messages.success(request, gettext("已保存异议受理联系方式。"))
                return redirect("funding:publicity_contact", pk=pk)
        else:
            messages.error(request, gettext("未保存：请按提示修改后再保存。"))
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
