"""The caller's applications: list, read, create and update drafts from the interchange
format, upload attachments, submit. Each call asks the permission the web view asks and
goes through the same service, so refusals carry the same Chinese messages."""

from enum import Enum

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router
from ninja import Status as Answer
from ninja.errors import HttpError
from ninja.files import UploadedFile

from stplan.api import auth
from stplan.api.pagination import PageQuery, page
from stplan.api.responses import GUARDED_WRITE, SIGNED_IN, found
from stplan.api.schemas import (
    ApplicationDetail,
    ApplicationPage,
    AttachmentOut,
    DraftCreate,
    DraftIn,
    SubmitOut,
)
from stplan.applications import selectors, services
from stplan.applications.dossier import Dossier
from stplan.applications.interchange import DraftExtras
from stplan.applications.models import ATTACHMENT_CHOICES, Application, Status
from stplan.eligibility import facts
from stplan.eligibility.guide import load_guide_data
from stplan.eligibility.interchange import parse_applications
from stplan.guides.models import Direction

router = Router(tags=["申报书"])

AttachmentCode = Enum("AttachmentCode", {code: code for code, _label in ATTACHMENT_CHOICES}, type=str)
ApplicationStatus = Enum("ApplicationStatus", {value: value for value in Status.values}, type=str)


def _visible(request, pk: int) -> Application:
    application = found(selectors.visible_applications(request.user).filter(pk=pk).first())
    if not request.user.has_perm("applications.view_application", application):
        raise Http404
    return application


def _summary(application: Application, user) -> dict:
    return {
        "id": application.pk,
        "number": application.number,
        "guide": application.guide.slug,
        "direction": application.direction.number,
        "direction_title": application.direction.title,
        "title": application.title,
        "status": application.status,
        "status_label": application.get_status_display(),
        "lead_unit": {"name": application.lead_unit.name, "credit_code": application.lead_unit.credit_code},
        "leader": application.leader.full_name or application.leader.username,
        "recommender": application.recommender.name if application.recommender else None,
        "version": application.version,
        "first_submitted_at": application.first_submitted_at,
        "updated_at": application.updated_at,
        "actions": services.available_actions(application=application, user=user),
    }


def _version(version) -> dict | None:
    if version is None:
        return None
    return {"number": version.number, "sha256": version.sha256, "submitted_at": version.submitted_at}


def _attachment(attachment) -> dict:
    return {
        "id": attachment.pk,
        "code": attachment.code,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_at": attachment.uploaded_at,
    }


def _detail(application: Application, user) -> dict:
    editable = user.has_perm("applications.change_application", application)
    version = selectors.latest_version(application)
    problems, findings, content = [], [], None
    if editable:
        dossier = Dossier.of(application)
        result = dossier.check(prior_counts=selectors.prior_counts(application))
        problems = [{"where": p.section_label, "message": p.message} for p in dossier.problems]
        findings = [f.as_dict() for f in result.findings] if result else []
        draft_facts = dossier.facts()
        content = draft_facts.model_dump(mode="json") if draft_facts else None
    elif version is not None:
        content = version.snapshot["facts"]
    attachments = [_attachment(a) for a in application.attachments.filter(removed_at=None).order_by("pk")]
    return {
        **_summary(application, user),
        "editable": editable,
        "problems": problems,
        "findings": findings,
        "latest_version": _version(version),
        "attachments": attachments,
        "facts": content,
    }


def _with_etag(response, application: Application):
    response["ETag"] = f'"{services.draft_revision(application)}"'
    return response


def _document(payload: DraftIn, guide_slug: str) -> tuple[facts.Application, DraftExtras]:
    """The interchange object read as `stplan check` reads it: the same Chinese problems."""
    item = dict(payload.application)
    item.setdefault("id", "API")
    item.setdefault("submitted_at", "2000-01-01T00:00:00")
    (document,) = parse_applications([item], load_guide_data(guide_slug))
    content = item.get("content")
    extras = DraftExtras(
        start_date=payload.start_date,
        end_date=payload.end_date,
        keywords=payload.keywords,
        research_content=content if isinstance(content, str) else "",
        technical_route=payload.technical_route,
        basis=payload.basis,
        budget=[year.model_dump() for year in payload.budget],
        indicator_targets=dict(payload.indicator_targets),
    )
    return document, extras


@router.get(
    "/applications", response={200: ApplicationPage, **SIGNED_IN}, auth=auth.READ, summary="我能看到的申报书"
)
def application_list(
    request,
    paging: Query[PageQuery],
    status: Query[ApplicationStatus | None] = None,
    direction: Query[int | None] = None,
    guide: Query[str | None] = None,
):
    applications = selectors.visible_applications(request.user)
    if status is not None:
        applications = applications.filter(status=status.value)
    if direction is not None:
        applications = applications.filter(direction__number=direction)
    if guide:
        applications = applications.filter(guide__slug=guide)
    return page(applications, paging, lambda a: _summary(a, request.user))


@router.get(
    "/applications/{pk}", response={200: ApplicationDetail, **SIGNED_IN}, auth=auth.READ, summary="一份申报书"
)
def application_detail(request, pk: int, response: HttpResponse):
    application = _visible(request, pk)
    _with_etag(response, application)
    return _detail(application, request.user)


@router.post(
    "/applications",
    response={201: ApplicationDetail, **SIGNED_IN},
    auth=auth.WRITE,
    summary="由交换格式新建申报书草稿",
)
def create_draft(request, payload: DraftCreate, response: HttpResponse):
    direction_number = payload.application.get("direction")
    direction = found(
        Direction.objects.filter(guide__slug=payload.guide, number=direction_number).first()
        if isinstance(direction_number, int) and not isinstance(direction_number, bool)
        else None
    )
    document, extras = _document(payload, payload.guide)
    application = services.create_draft_from_document(
        actor=request.user, direction=direction, document=document, extras=extras
    )
    _with_etag(response, application)
    return Answer(201, _detail(application, request.user))


def _if_match(request) -> str:
    value = request.headers.get("If-Match")
    if not value:
        raise HttpError(
            428, _("修改草稿须带 If-Match 请求头（取自读取申报书时的 ETag），以免覆盖他人的修改。")
        )
    return value.strip().removeprefix("W/").strip('"')


@router.put(
    "/applications/{pk}",
    response={200: ApplicationDetail, **GUARDED_WRITE},
    auth=auth.WRITE,
    summary="以交换格式更新草稿（须带 If-Match）",
)
def update_draft(request, pk: int, payload: DraftIn, response: HttpResponse):
    application = _visible(request, pk)
    revision = _if_match(request)
    document, extras = _document(payload, application.guide.slug)
    application = services.update_draft_from_document(
        application=application, actor=request.user, document=document, extras=extras, revision=revision
    )
    _with_etag(response, application)
    return _detail(application, request.user)


@router.post(
    "/applications/{pk}/attachments",
    response={201: AttachmentOut, **SIGNED_IN},
    auth=auth.WRITE,
    summary="上传附件（PDF、JPG 或 PNG）",
)
def upload_attachment(request, pk: int, code: Form[AttachmentCode], file: File[UploadedFile]):
    application = _visible(request, pk)
    attachment = services.add_attachment(
        application=application, actor=request.user, code=code.value, upload=file
    )
    return Answer(201, _attachment(attachment))


@router.post(
    "/applications/{pk}/submit",
    response={200: SubmitOut, **SIGNED_IN},
    auth=auth.SUBMIT,
    summary="提交（退回修改后为重新提交）：冻结一个版本",
)
def submit(request, pk: int):
    application = _visible(request, pk)
    action = "resubmit" if application.status == Status.RETURNED else "submit"
    application = services.transition(application=application, action=action, actor=request.user)
    return {
        "application": _summary(application, request.user),
        "version": _version(selectors.latest_version(application)),
    }
