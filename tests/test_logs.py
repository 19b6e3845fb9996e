"""Structured logs: errors and security events as JSON lines carrying the request id."""

import io
import json
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stplan.errors import ServiceError
from stplan.logs import JsonFormatter, RequestIdFilter
from stplan.uploads import check_upload
from tests.world import LeaderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines():
    """What the loggers write, one parsed JSON object a line, via the project's formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(name) for name in ("django.request", "stplan.security")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)


def test_permission_denial_is_logged_with_the_request_id(client, lines):
    client.force_login(LeaderFactory())
    response = client.get(reverse("review:rounds"))
    assert response.status_code == 403
    (entry,) = [e for e in lines() if e["logger"] == "django.request"]
    assert (entry["level"], entry["status_code"], entry["request_id"]) == (
        "WARNING",
        403,
        response["X-Request-ID"],
    )
    assert entry["message"] == "Forbidden (Permission denied): /review/rounds/"


def test_throttled_login_is_a_security_event(client, lines):
    leader = LeaderFactory()
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"username": leader.username, "password": "wrong"}, REMOTE_ADDR="10.1.1.1")
    response = client.post(url, {"username": leader.username, "password": "wrong"}, REMOTE_ADDR="10.1.1.1")
    events = [e for e in lines() if e.get("event") == "login_throttled"]
    assert [(e["address"], e["path"], e["request_id"]) for e in events] == [
        ("10.1.1.1", "/accounts/login/", response["X-Request-ID"])
    ]


def test_refused_upload_is_a_security_event(lines):
    with pytest.raises(ServiceError):
        check_upload(SimpleUploadedFile("申请书.pdf", b"not a pdf at all"))
    (entry,) = [e for e in lines() if e.get("event") == "upload_refused"]
    assert entry["message"] == "文件“申请书.pdf”不是 PDF 或 JPG/PNG 图片，只能上传 PDF 或图片。"


def test_request_id_from_the_proxy_is_kept_and_a_bad_one_replaced(client):
    assert client.get("/guides/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    replaced = client.get("/guides/", HTTP_X_REQUEST_ID="坏\n值")["X-Request-ID"]
    assert len(replaced) == 32


def test_oversized_request_is_refused_before_its_body_is_read(lines, rf, settings):
    from stplan.uploads import RequestSizeMiddleware

    request = rf.post("/applications/1/attachments/", data=b"", content_type="application/octet-stream")
    request.META["CONTENT_LENGTH"] = str(300 * 1024 * 1024)

    def never(request):
        raise AssertionError("the view must not run")

    response = RequestSizeMiddleware(never)(request)
    assert response.status_code == 413
    assert response.content.decode() == "上传的内容过大：单个文件不能超过20MB，请压缩或拆分后重新上传。"
    assert [e["event"] for e in lines() if e.get("event")] == ["request_too_large"]
