from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from stplan.applications.dossier import Dossier, display_sections
from stplan.applications.models import Attachment
from stplan.applications.selectors import latest_version
from stplan.errors import ServiceError
from stplan.jobs import services as jobs
from stplan.jobs.views import started
from stplan.listing import Sort, listing, listing_of_rows
from stplan.review import expert_io, exports, selectors, services
from stplan.review.forms import ConfirmForm, DeclareConflictForm, ExpertForm, RoundForm, ScoreForm
from stplan.review.jobs import PROPOSE
from stplan.review.models import Assignment, AssignmentStatus, ConflictKind, Expert, ScoreSheet
from stplan.web import object_id, xlsx_response

EXPERT_SORTS = {
    "added": Sort(_("登记先后"), ("pk",)),
    "name": Sort(_("姓名"), ("user__full_name", "pk")),
    "unit": Sort(_("工作单位"), ("unit_name", "pk")),
}


ROUND_SORTS = {
    "direction": Sort(_("方向、申报先后"), ("direction__number", "pk")),
    "number": Sort(_("申报编号"), ("number",)),
    "unit": Sort(_("牵头单位"), ("lead_unit__name", "pk")),
}


def _staff(request):
    if not request.user.has_perm("review.manage_review"):
        raise PermissionDenied


@login_required
def experts(request):
    _staff(request)
    pool = Expert.objects.select_related("user").prefetch_related("fields").order_by("pk")
    if q := request.GET.get("q", "").strip():
        pool = pool.filter(
            Q(user__full_name__icontains=q) | Q(unit_name__icontains=q) | Q(keywords__icontains=q)
        )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(expert_io.export(pool), "experts.xlsx")
    if request.method == "POST" and request.FILES.get("file"):
        try:
            result = expert_io.import_experts(actor=request.user, content=request.FILES["file"].read())
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"导入完成：新增{result.created}名，更新{result.updated}名。")
        return redirect("review:experts")
    shown = listing(request, pool, sorts=EXPERT_SORTS)
    return render(request, "review/experts.html", {"experts": shown.rows, "listing": shown, "q": q})


@login_required
def expert_template(request):
    _staff(request)
    return xlsx_response(expert_io.template(), "expert-template.xlsx")


@login_required
def expert_edit(request, pk=None):
    _staff(request)
    expert = get_object_or_404(Expert.objects.select_related("user"), pk=pk) if pk else None
    initial = (
        {"full_name": expert.user.full_name, "email": expert.user.email, "phone": expert.user.phone}
        if expert
        else {}
    )
    form = ExpertForm(request.POST or None, instance=expert, initial=initial)
    if expert:
        form.fields["username"].disabled = True
        form.fields["username"].initial = expert.user.username
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            expert = services.save_expert(
                actor=request.user,
                expert=expert,
                values={k: v for k, v in data.items() if k in services.EXPERT_FIELDS},
                fields=data["fields"],
                user_values={k: data.get(k, "") for k in ("username", "full_name", "email", "phone")},
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"已保存专家 {expert.name}。")
            return redirect("review:expert", pk=expert.pk)
    events = expert.events.select_related("actor") if expert else []
    return render(request, "review/expert_edit.html", {"form": form, "expert": expert, "events": events})


@login_required
def rounds(request):
    _staff(request)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_round = services.create_round(
                actor=request.user,
                review_round=form.save(commit=False),
                directions=form.cleaned_data["directions"],
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"已创建评审批次“{review_round.name}”。")
            return redirect("review:round", pk=review_round.pk)
    return render(
        request,
        "review/rounds.html",
        {
            "rounds": selectors.managed_rounds(request.user)
            .annotate(n=Count("assignments"))
            .order_by("-created_at"),
            "form": form,
        },
    )


def _managed_round(request, pk):
    _staff(request)
    return get_object_or_404(selectors.managed_rounds(request.user), pk=pk)


@login_required
def round_detail(request, pk):
    return _render_round(request, _managed_round(request, pk))


def _render_round(request, review_round, *, retry: dict | None = None):
    """The round page; `retry` is a refused extension or conflict form, shown again open
    with what was typed (keyed by its assignment)."""
    shown = listing(
        request,
        selectors.round_applications(review_round).defer(
            "form", "direction__data", "direction__research_scope", "direction__indicators"
        ),
        sorts=ROUND_SORTS,
        search=("number", "title", "lead_unit__name"),
    )
    applications = list(shown.rows)
    assignments = (
        Assignment.objects.filter(round=review_round)
        .exclude(status=AssignmentStatus.WITHDRAWN)
        .select_related("expert__user")
        .order_by("-affinity")
    )
    by_application: dict[int, list[Assignment]] = {}
    for assignment in assignments.filter(application__in=applications):
        by_application.setdefault(assignment.application_id, []).append(assignment)
    rules = {
        (r.application_id, r.expert_id): r.kind
        for r in review_round.pair_rules.filter(application__in=applications)
    }
    rows = [
        (
            a,
            review_round.experts_needed(a.direction.number),
            [(x, rules.get((a.pk, x.expert_id))) for x in by_application.get(a.pk, [])],
        )
        for a in applications
    ]
    progress = assignments.aggregate(
        total=Count("pk", filter=Q(status__in=selectors.ACTIVE)),
        submitted=Count("pk", filter=Q(status=AssignmentStatus.SUBMITTED)),
        proposed=Count("pk", filter=Q(status=AssignmentStatus.PROPOSED)),
        proposed_experts=Count("expert", filter=Q(status=AssignmentStatus.PROPOSED), distinct=True),
    )
    return render(
        request,
        "review/round.html",
        {
            "round": review_round,
            "rows": rows,
            "listing": shown,
            "progress": progress,
            "report": review_round.solver_report,
            "pool": selectors.pool(review_round),
            "conflict_kinds": ConflictKind.choices,
            "pair_rules": review_round.pair_rules.select_related("expert__user", "application"),
            "retry": retry or {},
        },
    )


@login_required
@require_POST
def round_solve(request, pk):
    review_round = _managed_round(request, pk)
    job = jobs.start(kind=PROPOSE, owner=request.user, params={"round": review_round.pk})
    return started(request, job, back=reverse("review:round", args=[pk]))


@login_required
@require_POST
def round_publish(request, pk):
    review_round = _managed_round(request, pk)
    try:
        count = services.publish(review_round=review_round, actor=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, gettext("已发布%(n)d项评审任务，并已通知专家。") % {"n": count})
    return redirect("review:round", pk=pk)


def _pair_rule(request, pk, kind):
    review_round = _managed_round(request, pk)
    application = get_object_or_404(
        selectors.round_applications(review_round), pk=object_id(request.POST.get("application"))
    )
    expert = get_object_or_404(Expert, pk=object_id(request.POST.get("expert")))
    try:
        services.set_pair_rule(
            review_round=review_round, actor=request.user, application=application, expert=expert, kind=kind
        )
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, gettext("已记录。重新分配后生效。"))
    return redirect("review:round", pk=pk)


@login_required
@require_POST
def round_pin(request, pk):
    return _pair_rule(request, pk, "pin")


@login_required
@require_POST
def round_forbid(request, pk):
    return _pair_rule(request, pk, "forbid")


@login_required
@require_POST
def round_clear(request, pk):
    return _pair_rule(request, pk, None)


def _typed(request, *names) -> dict:
    return {name: request.POST.get(name, "") for name in names}


@login_required
@require_POST
def round_extend(request, pk):
    review_round = _managed_round(request, pk)
    assignment = get_object_or_404(review_round.assignments, pk=object_id(request.POST.get("assignment")))
    try:
        services.extend_task(
            assignment=assignment,
            actor=request.user,
            due_at=_moment(request.POST.get("due_at", "")),
            reason=request.POST.get("reason", ""),
        )
    except ServiceError as error:
        messages.error(request, str(error))
        retry = {"form": "extend", "assignment": assignment.pk, **_typed(request, "due_at", "reason")}
        return _render_round(request, review_round, retry=retry)
    messages.success(request, gettext("已将%(name)s的评审截止时间延长。") % {"name": assignment.expert.name})
    return redirect("review:round", pk=pk)


@login_required
@require_POST
def round_conflict(request, pk):
    review_round = _managed_round(request, pk)
    assignment = get_object_or_404(review_round.assignments, pk=object_id(request.POST.get("assignment")))
    kind = request.POST.get("kind", "")
    try:
        services.declare_conflict_by_bureau(
            actor=request.user,
            expert=assignment.expert,
            application=assignment.application,
            kind=kind if kind in ConflictKind.values else ConflictKind.OTHER,
            reason=request.POST.get("reason", ""),
        )
    except ServiceError as error:
        messages.error(request, str(error))
        retry = {"form": "conflict", "assignment": assignment.pk, **_typed(request, "kind", "reason")}
        return _render_round(request, review_round, retry=retry)
    messages.success(
        request,
        gettext("已登记%(name)s回避，其对该项目的评审任务和评分均已撤回。")
        % {"name": assignment.expert.name},
    )
    return redirect("review:round", pk=pk)


@login_required
@require_POST
def round_close(request, pk):
    review_round = _managed_round(request, pk)
    try:
        services.close_round(review_round=review_round, actor=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, gettext("评审已结束。"))
    return redirect("review:round", pk=pk)


def _moment(raw: str):
    """A datetime-local value as an aware moment in the bureau's time zone; None if malformed."""
    try:
        return timezone.make_aware(datetime.fromisoformat(raw.strip()))
    except ValueError:
        return None


@login_required
def ranking(request, pk):
    _staff(request)
    review_round = get_object_or_404(selectors.managed_rounds(request.user), pk=pk)
    if request.GET.get("format") == "xlsx":
        standings = selectors.standings(review_round)
        return xlsx_response(exports.ranking_xlsx(review_round, standings), "ranking.xlsx")
    shown = listing_of_rows(
        request,
        selectors.ranked_standings(review_round),
        matches=lambda row, q: q in row.ranked.number or q in row.ranked.title,
        per_page=100,
    )
    rows = selectors.with_applications(list(shown.rows))
    return render(
        request, "review/ranking.html", {"round": review_round, "standings": rows, "listing": shown}
    )


@login_required
def my_tasks(request):
    if not hasattr(request.user, "expert"):
        raise PermissionDenied
    tasks = (
        Assignment.objects.filter(expert=request.user.expert)
        .exclude(status=AssignmentStatus.PROPOSED)
        .select_related("application__direction", "round")
        .order_by("round", "status", "pk")
    )
    return render(request, "review/my_tasks.html", {"tasks": tasks})


# Form field names, not labels: labels change with the language.
HIDDEN_ALWAYS = {"id_type", "id_number", "birth_date", "arrived_in_guilin_on"}
HIDDEN_BLIND = {"recommender", "credit_code", "name", "unit_name", "leader_name"}


def expert_view_of(sections, hide_identity: bool):
    """The 申报书 as an expert may read it: never ID numbers, and in a blind review nothing
    that names the applicant; never whom the applicant asked to keep away."""
    hidden = HIDDEN_ALWAYS | (HIDDEN_BLIND if hide_identity else set())
    return [
        section.without(hidden)
        for section in sections
        if section.key != "exclusions" and not (hide_identity and section.key == "partners")
    ]


def _own_task(request, pk) -> Assignment:
    assignment = get_object_or_404(
        Assignment.objects.select_related("round", "application__direction", "expert"), pk=pk
    )
    if not request.user.has_perm("review.open_assignment", assignment):
        raise Http404
    return assignment


@login_required
def task(request, pk):
    return _render_task(request, _own_task(request, pk))


@login_required
@require_POST
def task_confirm(request, pk):
    assignment = _own_task(request, pk)
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        services.confirm_no_conflict(
            assignment=assignment,
            actor=request.user,
            pledge=form.cleaned_data.get("pledge", False),
            no_conflict=form.cleaned_data.get("no_conflict", False),
        )
    except ServiceError as error:
        messages.error(request, str(error))
        return _render_task(request, assignment, confirm_form=form)
    messages.success(request, gettext("已确认并签署保密承诺，可以开始评审。"))
    return redirect("review:task", pk=pk)


@login_required
@require_POST
def task_declare(request, pk):
    assignment = _own_task(request, pk)
    form = DeclareConflictForm(request.POST)
    try:
        if not form.is_valid():
            raise ServiceError(gettext("请选择利益冲突类型并写明情况。"))
        services.declare_conflict(assignment=assignment, actor=request.user, **form.cleaned_data)
    except ServiceError as error:
        messages.error(request, str(error))
        return _render_task(request, assignment, declare_form=form)
    messages.success(request, gettext("已声明回避，该项目已从您的评审任务中移除。"))
    return redirect("review:mine")


def _score(request, pk, *, submit: bool):
    """One score form, two buttons: 保存草稿 posts here with submit=False, 提交评审意见 with
    submit=True. A refused form is shown again as typed, with the reasons."""
    assignment = _own_task(request, pk)
    try:
        sheet = selectors.sheet_for(assignment.round, assignment.application)
    except ScoreSheet.DoesNotExist:
        messages.error(request, gettext("没有适用于该方向的评分表，请联系科技局。"))
        return redirect("review:task", pk=pk)
    form = ScoreForm(request.POST, sheet=sheet)
    if not form.is_valid():
        # Re-show what was typed with the reasons; the saved draft stays as it was.
        messages.error(request, gettext("评分未保存：请按提示修改后再保存。"))
        return _render_task(request, assignment, score_form=form)
    data = form.cleaned_data
    try:
        services.save_review(
            assignment=assignment,
            actor=request.user,
            scores={c["code"]: data.get(f"score-{c['code']}") for c in sheet.criteria},
            comments={c["code"]: data.get(f"comment-{c['code']}") or "" for c in sheet.criteria},
            overall_comment=data.get("overall_comment") or "",
            recommendation=data.get("recommendation") or "",
            submit=submit,
        )
    except ServiceError as error:
        messages.error(request, str(error))
        return _render_task(request, assignment, score_form=form)
    messages.success(request, gettext("评审意见已提交。") if submit else gettext("草稿已保存。"))
    return redirect("review:task", pk=pk)


@login_required
@require_POST
def task_save(request, pk):
    return _score(request, pk, submit=False)


@login_required
@require_POST
def task_submit(request, pk):
    return _score(request, pk, submit=True)


@login_required
def task_attachment(request, pk, attachment_pk):
    """An attachment of the submitted 申报书, for the assigned expert who has confirmed no
    conflict, as the round's blind rules allow; anyone else is told it does not exist."""
    assignment = _own_task(request, pk)
    if not request.user.has_perm("review.read_application", assignment):
        raise Http404
    version = latest_version(assignment.application)
    if not any(a["id"] == attachment_pk for a in selectors.expert_attachments(assignment, version)):
        raise Http404
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=assignment.application)
    return FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        filename=attachment.original_name,
        as_attachment=attachment.content_type != "application/pdf",
    )


def _render_task(request, assignment, *, score_form=None, confirm_form=None, declare_form=None):
    review_round = assignment.round
    application = assignment.application
    version = latest_version(application)
    blind = review_round.hide_applicant_identity
    context = {
        "assignment": assignment,
        "round": review_round,
        "declare_form": declare_form or DeclareConflictForm(),
        "parties": [] if blind else selectors.conflict_parties(version),
    }
    if request.user.has_perm("review.read_application", assignment):
        dossier = Dossier.of_version(application, version)
        sheet = selectors.sheet_for(review_round, application)
        review = getattr(assignment, "review", None)
        initial = {}
        if review:
            initial = {
                **{f"score-{k}": v for k, v in review.scores.items()},
                **{f"comment-{k}": v for k, v in review.comments.items()},
                "overall_comment": review.overall_comment,
                "recommendation": review.recommendation,
            }
        context.update(
            {
                "sections": expert_view_of(display_sections(dossier), blind),
                "score_form": score_form or ScoreForm(initial=initial, sheet=sheet),
                "sheet": sheet,
                "review": review,
                "others": _others(assignment) if _may_see_others(assignment) else None,
                "attachments": selectors.expert_attachments(assignment, version),
            }
        )
    else:
        context["confirm_form"] = confirm_form or ConfirmForm()
    return render(request, "review/task.html", context)


def _may_see_others(assignment: Assignment) -> bool:
    return assignment.status == AssignmentStatus.SUBMITTED and assignment.round.show_scores_after_submit


def _others(assignment: Assignment):
    return (
        Assignment.objects.filter(
            round=assignment.round, application=assignment.application, status=AssignmentStatus.SUBMITTED
        )
        .exclude(pk=assignment.pk)
        .select_related("review")
    )
