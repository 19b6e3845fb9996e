"""Small pieces every app's views share: reading numbers from posts, sending workbooks."""

from decimal import Decimal, InvalidOperation
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render
from openpyxl import Workbook


def whole_number(value, default=None, *, largest: int = 10**12):
    """A whole number typed in a form (commas allowed); anything else, or beyond `largest`,
    is `default`, and the services refuse what is out of range with a message."""
    try:
        number = int(str(value).replace(",", "").strip())
    except (TypeError, ValueError):
        return default
    return number if abs(number) <= largest else default


def decimal_number(value, default=None, *, largest: int = 10**12) -> float | None:
    """A number with decimals typed in a form ("60", "75.5"; commas allowed), read strictly:
    NaN, infinity, anything that is no number, or beyond `largest`, is `default`."""
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (TypeError, ValueError, InvalidOperation):
        return default
    if not number.is_finite() or abs(number) > largest:
        return default
    return float(number)


def object_id(raw) -> int:
    """A primary key from a post; what is no number becomes 0, which finds nothing (404)."""
    return int(raw) if str(raw or "").isdigit() else 0


def xlsx_response(content: bytes | Workbook, filename: str) -> HttpResponse:
    if isinstance(content, Workbook):
        buffer = BytesIO()
        content.save(buffer)
        content = buffer.getvalue()
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def csrf_failure(request, reason=""):
    """A form posted from a page too old or from another session: said in words people know,
    with the site's navigation, instead of Django's English 403 page."""
    return render(request, "csrf_failure.html", status=403)
