"""Structured logs: one JSON object a line, each carrying the request it came from.

Errors and security events (throttled logins, permission denials, refused uploads) go to the
`stplan.security` and `django.request` loggers; with DEBUG off nothing is lost to a blank page.
"""

import json
import logging
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("request_id", default="")
security = logging.getLogger("stplan.security")


class RequestIdMiddleware:
    """Names every request (or keeps the proxy's X-Request-ID) and answers with the name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        name = given if given.isascii() and 0 < len(given) <= 64 and given.isprintable() else uuid.uuid4().hex
        token = _request_id.set(name)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = name
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """Time, level, logger, request id, message, the event's own fields and any traceback."""

    FIELDS = ("event", "user", "address", "path", "status_code")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", ""),
            "message": record.getMessage(),
        }
        entry |= {f: getattr(record, f) for f in self.FIELDS if hasattr(record, f)}
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def security_event(event: str, message: str, **fields) -> None:
    security.warning(message, extra={"event": event, **fields})
