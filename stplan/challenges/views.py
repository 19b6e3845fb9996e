"""Pages of 揭榜挂帅: enterprises put needs, 科室 review them and publish the 榜单, anyone reads it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from stplan.challenges import selectors, services
from stplan.challenges.forms import ItemForm, NeedForm, ReasonForm, targets_of
from stplan.challenges.models import ItemStatus, Need, NeedCall, NeedStatus, in_guide_order
from stplan.challenges.workflow import ITEM, NEED
from stplan.errors import ServiceError
from stplan.guides.selectors import direction_by_number, guide_by_slug
from stplan.spreadsheets import append_row
from stplan.web import object_id, xlsx_response
from stplan.workflow import history


@login_required
def needs(request):
    """An enterprise's needs and the calls open to it; a 科室's needs to review."""
    user = request.user
    enterprise = user.has_perm("challenges.create_need")
    if not (enterprise or user.has_perm("challenges.manage_challenges")):
        raise PermissionDenied
    status = request.GET.get("status", "")
    context = {
        "needs": selectors.needs_for(user=user, status=status),
        "calls": selectors.open_calls() if enterprise else [],
        "items": selectors.items_for(user=user),
        "status": status,
        "statuses": NeedStatus.choices,
        "manages": user.has_perm("challenges.manage_challenges"),
    }
    return render(request, "challenges/needs.html", context)


def _need_form(request, call: NeedCall, need: Need | None):
    guide = call.direction.guide.spec
    form = NeedForm(request.POST or None, instance=need, guide=guide)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.save_need(
                actor=request.user,
                call=call,
                need=need,
                fields={k: form.cleaned_data[k] for k in services.NEED_FIELDS},
                targets=targets_of(form.cleaned_data),
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "需求已保存。确认无误后请提交，由科技局科室审核。")
            return redirect("challenges:need", pk=need.pk)
    return form


@login_required
def need_new(request, call: int):
    call = get_object_or_404(selectors.calls(), pk=call)
    if not request.user.has_perm("challenges.create_need"):
        raise PermissionDenied
    form = _need_form(request, call, None)
    if not isinstance(form, NeedForm):
        return form
    return render(request, "challenges/need_form.html", {"form": form, "call": call})


@login_required
def need_detail(request, pk: int):
    need = selectors.need_for(user=request.user, pk=pk)
    editable = request.user.has_perm("challenges.change_need", need)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    form = _need_form(request, need.call, need) if editable else None
    if form is not None and not isinstance(form, NeedForm):
        return form
    metrics = need.call.direction.guide.spec.metrics
    context = {
        "need": need,
        "form": form,
        "targets": [(metrics[k].label, v, metrics[k].unit) for k, v in in_guide_order(need.targets, metrics)],
        "actions": [
            (a, NEED.transitions[a].label) for a in NEED.available(need, request.user) if a != "list"
        ],
        "merge_targets": selectors.merge_targets(need),
        "can_list": need.status == NeedStatus.ACCEPTED
        and request.user.has_perm("challenges.manage_item", need),
        "history": history(need),
    }
    return render(request, "challenges/need.html", context)


@login_required
@require_POST
def need_action(request, pk: int, action: str):
    need = selectors.need_for(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "意见过长或合并目标有误。")
        return redirect("challenges:need", pk=pk)
    into = Need.objects.filter(pk=form.cleaned_data["into"]).first() if form.cleaned_data["into"] else None
    try:
        services.transition_need(
            need=need, action=action, actor=request.user, reason=form.cleaned_data["reason"], into=into
        )
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已{NEED.label_of(action)}。")
    return redirect("challenges:need", pk=pk)


def _item_fields(form) -> dict:
    return {k: form.cleaned_data[k] for k in services.ITEM_FIELDS}


@login_required
def item_new(request, need: int):
    need = selectors.need_for(user=request.user, pk=need)
    if not request.user.has_perm("challenges.manage_item", need):
        raise PermissionDenied
    initial = {
        "title": need.title,
        "problem": need.problem,
        "target_text": need.target_text,
        "amount_max": need.call.direction.amount_max,
        "winners": need.call.direction.spec.challenge.winners_per_item
        if need.call.direction.spec.challenge
        else 1,
    }
    form = ItemForm(request.POST or None, initial=initial, guide=need.call.direction.guide.spec)
    if not request.POST:
        for code, value in need.targets.items():
            if f"metric_{code}" in form.fields:
                form.fields[f"metric_{code}"].initial = value
    if request.method == "POST" and form.is_valid():
        try:
            item = services.create_item(
                actor=request.user,
                need=need,
                fields=_item_fields(form),
                targets=targets_of(form.cleaned_data),
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"榜单项目{item.code}已编制，发布后公开。")
            return redirect("challenges:item", pk=item.pk)
    return render(request, "challenges/item_form.html", {"form": form, "need": need})


@login_required
def item_detail(request, pk: int):
    item = selectors.item_for(user=request.user, pk=pk)
    form = ItemForm(request.POST or None, instance=item, guide=item.direction.guide.spec)
    reason = ReasonForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and reason.is_valid():
            try:
                services.revise_item(
                    actor=request.user,
                    item=item,
                    fields=_item_fields(form),
                    targets=targets_of(form.cleaned_data),
                    reason=reason.cleaned_data["reason"],
                )
            except ServiceError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "榜单项目已保存。")
                return redirect("challenges:item", pk=pk)
        item.refresh_from_db()
    context = {
        "item": item,
        "form": form if item.status != ItemStatus.WITHDRAWN else None,
        "actions": [(a, ITEM.transitions[a].label) for a in ITEM.available(item, request.user)],
        "history": history(item, item.need),
    }
    return render(request, "challenges/item.html", context)


@login_required
@require_POST
def item_action(request, pk: int, action: str):
    item = selectors.item_for(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.transition_item(item=item, action=action, actor=request.user, reason=reason)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已{ITEM.label_of(action)}。")
    return redirect("challenges:item", pk=pk)


def _board(slug: str, number: int, version: str | None):
    guide = guide_by_slug(slug)
    direction = direction_by_number(guide, number)
    if not direction.data.get("challenge"):
        raise Http404
    versions = selectors.versions(direction)
    chosen = versions[0] if versions else None
    if version is not None:
        chosen = next((v for v in versions if v.number == object_id(version)), None)
        if chosen is None:
            raise Http404
    return guide, direction, versions, chosen


def board_index(request, slug: str):
    """The guide's 榜单, one per 方向 that runs 揭榜挂帅."""
    guide = guide_by_slug(slug)
    boards = [(d, (selectors.versions(d) or [None])[0]) for d in selectors.challenge_directions(guide)]
    return render(request, "challenges/board_index.html", {"guide": guide, "boards": boards})


def board(request, slug: str, number: int):
    """The public 榜单 of a 方向, as its latest or a chosen version, with every version's changes."""
    guide, direction, versions, chosen = _board(slug, number, request.GET.get("version"))
    fmt = request.GET.get("format")
    if fmt == "xlsx" and chosen is not None:
        return xlsx_response(
            _workbook(direction, chosen), f"榜单-方向{direction.number}-第{chosen.number}版.xlsx"
        )
    context = {"guide": guide, "direction": direction, "versions": versions, "version": chosen}
    if fmt == "pdf" and chosen is not None:
        from weasyprint import HTML

        html = render_to_string("challenges/board_print.html", context)
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="challenges-{direction.number}-v{chosen.number}.pdf"'
        )
        return response
    return render(request, "challenges/board.html", context)


def _workbook(direction, version) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = f"榜单第{version.number}版"
    append_row(sheet, [f"方向{direction.number} {direction.title} 榜单（第{version.number}版）"])
    append_row(
        sheet,
        [
            "榜单编号",
            "榜单名称",
            "需求提出单位",
            "需解决的技术难题",
            "考核指标",
            "考核指标说明",
            "资助上限（元）",
            "拟支持揭榜团队数",
            "揭榜开始",
            "揭榜截止",
        ],
    )
    for item in version.items:
        targets = "；".join(f"{t['label']}不少于{t['min']}{t['unit']}" for t in item["targets"])
        append_row(
            sheet,
            [
                item["code"],
                item["title"],
                item["unit"],
                item["problem"],
                targets,
                item["target_text"],
                item["amount_max"],
                item["winners"],
                item["opens_at"],
                item["closes_at"],
            ],
        )
    return book
