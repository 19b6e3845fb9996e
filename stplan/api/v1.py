"""/api/v1/: the NinjaAPI, its docs (Swagger UI served from ninja's own static files, no
CDN) and the one translation of every refusal into the `Error` shape."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.renderers import JSONRenderer

from stplan.api import applications, funding, guides, integrity, projects, review
from stplan.api.auth import PerCaller, ScopeMissing
from stplan.applications.services import StaleDraft, SubmissionRefused
from stplan.eligibility.interchange import InputError
from stplan.errors import ServiceError


class ChineseJSON(JSONRenderer):
    """Chinese as itself, not as \\u escapes: readable in curl and logs."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ChineseJSON(),
    title="stplan 开放接口",
    version="1",
    description=(
        "科技计划项目管理系统的 REST 接口。认证：个人接口令牌（`Authorization: Bearer stp_…`，在“接口令牌”页面创建）"
        "或浏览器登录会话（写操作须带 CSRF 令牌）。每个接口与网页问同样的权限；拒绝时答 `Error`，"
        "其中 message 与网页上的中文提示相同。"
    ),
    urls_namespace="api-v1",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    throttle=[PerCaller()],
)
api.add_router("", guides.router)
api.add_router("", applications.router)
api.add_router("", review.router)
api.add_router("/funding", funding.router)
api.add_router("", projects.router)
api.add_router("", integrity.router)


def _error(request, status: int, code: str, message: str, problems=(), findings=()):
    body = {"code": code, "message": str(message), "problems": list(problems), "findings": list(findings)}
    return api.create_response(request, body, status=status)


@api.exception_handler(SubmissionRefused)
def _refused_submission(request, exc: SubmissionRefused):
    problems = [{"where": p.section_label, "message": p.message} for p in exc.problems]
    findings = [f.as_dict() for f in exc.findings]
    return _error(request, 422, "submission_refused", str(exc), problems, findings)


@api.exception_handler(StaleDraft)
def _stale(request, exc: StaleDraft):
    return _error(request, 412, "stale", str(exc))


@api.exception_handler(ServiceError)
def _refused(request, exc: ServiceError):
    return _error(request, 422, "refused", str(exc))


@api.exception_handler(InputError)
def _bad_document(request, exc: InputError):
    problems = [{"where": "", "message": line} for line in exc.problems]
    return _error(request, 422, "invalid_document", _("申报数据有误，未进行处理。"), problems)


@api.exception_handler(ValidationError)
def _bad_request(request, exc: ValidationError):
    problems = [
        {"where": ".".join(str(part) for part in e.get("loc", ())), "message": str(e.get("msg", ""))}
        for e in exc.errors
    ]
    return _error(request, 422, "invalid_request", _("请求数据不符合接口定义。"), problems)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated", _("未登录，或接口令牌无效、已过期、已吊销。"))


@api.exception_handler(ScopeMissing)
def _scope(request, exc: ScopeMissing):
    return _error(request, 403, "scope_missing", exc.message)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, "forbidden", _("您没有权限进行此操作。"))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", _("未找到，或您无权查看。"))


@api.exception_handler(Throttled)
def _throttled(request, exc: Throttled):
    response = _error(request, 429, "throttled", _("请求过于频繁，请稍后再试。"))
    if exc.wait:
        response["Retry-After"] = str(int(exc.wait) + 1)
    return response


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    codes = {
        400: "malformed",
        403: "forbidden",
        412: "stale",
        428: "precondition_required",
        422: "invalid_request",
    }
    message = str(exc)
    if exc.status_code == 403 and "CSRF" in message:
        message = _("浏览器会话的写操作须带 CSRF 令牌（X-CSRFToken 请求头）。")
    if exc.status_code == 400:
        message = _("请求体无法解析：应为 UTF-8 编码的 JSON（上传附件时为 multipart/form-data）。")
    return _error(request, exc.status_code, codes.get(exc.status_code, "error"), message)


def not_found(request, exception=None):
    """Django's 404 (an unknown path, or one the middleware refuses before any view) as the
    API's `Error` under /api/v1/, the HTML page elsewhere."""
    if request.path.startswith("/api/v1/"):
        body = {"code": "not_found", "message": _("未找到，或您无权查看。"), "problems": [], "findings": []}
        return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
    return page_not_found(request, exception)
