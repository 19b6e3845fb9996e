"""Cursor pagination on the primary key: a page is stable while rows are added, and the
cursor is opaque to callers (base64 of the last id seen and the direction)."""

import base64
import binascii
from collections.abc import Callable
from enum import StrEnum

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import HttpError

DEFAULT_SIZE = 50
MAX_SIZE = 200


class Ordering(StrEnum):
    NEWEST = "-id"
    OLDEST = "id"


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=100, description="上一页回答中的 next")
    size: int = Field(DEFAULT_SIZE, ge=1, le=MAX_SIZE, description="每页条数")
    ordering: Ordering = Field(Ordering.NEWEST, description="-id 新的在前；id 旧的在前")


class InvalidCursor(HttpError):
    def __init__(self):
        super().__init__(422, _("cursor 无效：请使用上一页回答中的 next。"))


def _decode(cursor: str, ordering: Ordering) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
        direction, pk = text.split(":")
        pk = int(pk)
    except (ValueError, UnicodeError, binascii.Error):
        raise InvalidCursor from None
    if direction != ordering.value or pk < 0 or pk > 2**62:
        raise InvalidCursor
    return pk


def _encode(pk: int, ordering: Ordering) -> str:
    return base64.urlsafe_b64encode(f"{ordering.value}:{pk}".encode()).decode("ascii")


def page(queryset: QuerySet, query: PageQuery, serialize: Callable) -> dict:
    newest_first = query.ordering is Ordering.NEWEST
    rows = queryset.order_by("-pk" if newest_first else "pk")
    if query.cursor:
        after = _decode(query.cursor, query.ordering)
        rows = rows.filter(pk__lt=after) if newest_first else rows.filter(pk__gt=after)
    rows = list(rows[: query.size + 1])
    more = len(rows) > query.size
    rows = rows[: query.size]
    return {
        "results": [serialize(row) for row in rows],
        "next": _encode(rows[-1].pk, query.ordering) if more else None,
    }
