"""评审专家's tasks: read the assigned 申报书 as the blind rules allow, confirm or declare a
conflict, save and submit scores — through stplan.review's services and predicates."""

from datetime import datetime
from enum import Enum
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Query, Router, Schema

from stplan.api import auth
from stplan.api.pagination import PageQuery, page
from stplan.api.responses import SIGNED_IN, found
from stplan.applications.dossier import Dossier, display_sections
from stplan.applications.selectors import latest_version
from stplan.review import selectors, services
from stplan.review.models import Assignment, AssignmentStatus, ConflictKind
from stplan.review.views import expert_view_of

router = Router(tags=["专家评审"])

Kind = Enum("Kind", {value: value for value in ConflictKind.values}, type=str)


class TaskOut(Schema):
    id: int
    round: str
    application_number: str
    application_title: str
    direction: int
    status: str
    status_label: str
    due_at: datetime | None


class TaskPage(Schema):
    results: list[TaskOut]
    next: str | None


class SectionOut(Schema):
    key: str
    title: str
    fields: list[list[str]]
    columns: list[str]
    rows: list[list[str]]


class ReviewOut(Schema):
    scores: dict[str, int | None]
    comments: dict[str, str]
    overall_comment: str
    recommendation: str
    total: int | None
    status: str


class TaskDetail(TaskOut):
    blind: bool = Field(description="盲评：申报单位和人员不显示")
    sections: list[SectionOut] | None = Field(description="确认无利益冲突并签署保密承诺后才有")
    criteria: list[dict] | None
    review: ReviewOut | None


class ConfirmIn(Schema):
    pledge: bool = Field(description="签署保密承诺")
    no_conflict: bool = Field(description="确认与本项目无利益冲突")


class DeclareIn(Schema):
    kind: Kind
    reason: str = Field(max_length=1000)


class ReviewIn(Schema):
    scores: dict[str, Annotated[int, Field(ge=-1000, le=1000)] | None] = Field(
        {}, description="评分项代码 → 得分"
    )
    comments: dict[str, str] = Field({}, description="评分项代码 → 意见")
    overall_comment: str = Field("", max_length=5000)
    recommendation: str = Field("", max_length=20, description="fund / may_fund / do_not_fund")


def _expert_tasks(user):
    if not hasattr(user, "expert"):
        raise PermissionDenied
    return (
        Assignment.objects.filter(expert=user.expert)
        .exclude(status=AssignmentStatus.PROPOSED)
        .select_related("application__direction", "round")
    )


def _task(request, pk: int) -> Assignment:
    assignment = found(
        Assignment.objects.select_related("round", "application__direction", "expert").filter(pk=pk).first()
    )
    if not request.user.has_perm("review.open_assignment", assignment):
        raise Http404
    return assignment


def _summary(assignment: Assignment) -> dict:
    return {
        "id": assignment.pk,
        "round": assignment.round.name,
        "application_number": assignment.application.number,
        "application_title": assignment.application.title,
        "direction": assignment.application.direction.number,
        "status": assignment.status,
        "status_label": assignment.get_status_display(),
        "due_at": assignment.due_at or assignment.round.due_at,
    }


def _detail(request, assignment: Assignment) -> dict:
    review_round = assignment.round
    detail = {**_summary(assignment), "blind": review_round.hide_applicant_identity}
    if not request.user.has_perm("review.read_application", assignment):
        return {**detail, "sections": None, "criteria": None, "review": None}
    application = assignment.application
    dossier = Dossier.of_version(application, latest_version(application))
    sections = expert_view_of(display_sections(dossier), review_round.hide_applicant_identity)
    review = getattr(assignment, "review", None)
    return {
        **detail,
        "sections": [
            {
                "key": s.key,
                "title": str(s.title),
                "fields": [[str(label), str(value)] for label, value in s.fields],
                "columns": [str(c) for c in s.columns],
                "rows": [[str(cell) for cell in row] for row in s.rows],
            }
            for s in sections
        ],
        "criteria": selectors.sheet_for(review_round, application).criteria,
        "review": (
            {
                "scores": review.scores,
                "comments": review.comments,
                "overall_comment": review.overall_comment,
                "recommendation": review.recommendation,
                "total": review.total,
                "status": review.status,
            }
            if review
            else None
        ),
    }


@router.get("/review/tasks", response={200: TaskPage, **SIGNED_IN}, auth=auth.READ, summary="我的评审任务")
def task_list(request, paging: Query[PageQuery]):
    return page(_expert_tasks(request.user), paging, _summary)


@router.get(
    "/review/tasks/{pk}", response={200: TaskDetail, **SIGNED_IN}, auth=auth.READ, summary="一项评审任务"
)
def task_detail(request, pk: int):
    return _detail(request, _task(request, pk))


@router.post(
    "/review/tasks/{pk}/confirm",
    response={200: TaskDetail, **SIGNED_IN},
    auth=auth.WRITE,
    summary="确认无利益冲突并签署保密承诺",
)
def confirm(request, pk: int, payload: ConfirmIn):
    assignment = services.confirm_no_conflict(
        assignment=_task(request, pk),
        actor=request.user,
        pledge=payload.pledge,
        no_conflict=payload.no_conflict,
    )
    return _detail(request, assignment)


@router.post(
    "/review/tasks/{pk}/declare", response={200: TaskOut, **SIGNED_IN}, auth=auth.WRITE, summary="声明回避"
)
def declare(request, pk: int, payload: DeclareIn):
    assignment = _task(request, pk)
    services.declare_conflict(
        assignment=assignment, actor=request.user, kind=payload.kind.value, reason=payload.reason
    )
    assignment.refresh_from_db()
    return _summary(assignment)


def _save(request, pk: int, payload: ReviewIn, *, submit: bool) -> dict:
    assignment = _task(request, pk)
    services.save_review(
        assignment=assignment,
        actor=request.user,
        scores=dict(payload.scores),
        comments=dict(payload.comments),
        overall_comment=payload.overall_comment,
        recommendation=payload.recommendation,
        submit=submit,
    )
    assignment.refresh_from_db()
    return _detail(request, assignment)


@router.put(
    "/review/tasks/{pk}/review",
    response={200: TaskDetail, **SIGNED_IN},
    auth=auth.WRITE,
    summary="保存评分草稿",
)
def save_review(request, pk: int, payload: ReviewIn):
    return _save(request, pk, payload, submit=False)


@router.post(
    "/review/tasks/{pk}/review/submit",
    response={200: TaskDetail, **SIGNED_IN},
    auth=auth.SUBMIT,
    summary="提交评分（每项须有得分和意见，并选择推荐意见）",
)
def submit_review(request, pk: int, payload: ReviewIn):
    return _save(request, pk, payload, submit=True)
