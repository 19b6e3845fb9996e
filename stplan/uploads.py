"""Uploaded files (attachments, evidence): PDF or image only, judged by their content, and
identified by SHA-256."""

import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.http import HttpResponse

from stplan.errors import ServiceError
from stplan.logs import security_event

ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@dataclass(frozen=True)
class CheckedUpload:
    extension: str
    content_type: str
    sha256: str


def check_upload(upload) -> CheckedUpload:
    """Refuse what is too large, empty, not a PDF/JPG/PNG by content, or named as something
    it is not (each refusal logged as a security event); otherwise the type and the SHA-256."""
    try:
        return _checked(upload)
    except ServiceError as refused:
        security_event("upload_refused", str(refused))
        raise


def _checked(upload) -> CheckedUpload:
    limit = settings.STPLAN_MAX_ATTACHMENT_BYTES
    if upload.size > limit:
        raise ServiceError(f"文件“{upload.name}”超过大小限制（{limit // (1024 * 1024)}MB）。")
    if upload.size == 0:
        raise ServiceError(f"文件“{upload.name}”是空文件。")
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED:
        raise ServiceError(f"文件“{upload.name}”不是 PDF 或 JPG/PNG 图片，只能上传 PDF 或图片。")
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    expected = ALLOWED[kind.mime]
    if extension not in ({expected, "jpeg"} if expected == "jpg" else {expected}):
        raise ServiceError(
            f"文件“{upload.name}”的扩展名与内容不符（内容是 {expected.upper()}），请核对后重新上传。"
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(expected, kind.mime, digest.hexdigest())


# Room for the form fields that travel with a file.
FORM_OVERHEAD_BYTES = 1024 * 1024


class RequestSizeMiddleware:
    """Refuses a request larger than one attachment (plus its form) from its Content-Length,
    before any of its body is read: a 300 MB upload costs nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.STPLAN_MAX_ATTACHMENT_BYTES + FORM_OVERHEAD_BYTES
        raw = request.META.get("CONTENT_LENGTH") or "0"
        if raw.isdigit() and int(raw) > limit:
            security_event("request_too_large", f"请求体{raw}字节，超过上限{limit}字节", path=request.path)
            megabytes = settings.STPLAN_MAX_ATTACHMENT_BYTES // (1024 * 1024)
            return HttpResponse(
                f"上传的内容过大：单个文件不能超过{megabytes}MB，请压缩或拆分后重新上传。",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
