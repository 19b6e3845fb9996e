"""Reads of the call: which 申报批次 takes a 方向 now, and the status people are shown."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stplan.guides.models import CallBatch, Direction, Guide

NOT_STARTED, OPEN, CLOSED, YEAR_ROUND = "not_started", "open", "closed", "year_round"
STATE_LABELS = {
    NOT_STARTED: _("未开始"),
    OPEN: _("申报中"),
    CLOSED: _("已截止"),
    YEAR_ROUND: _("常年受理"),
}


@dataclass(frozen=True)
class CallStatus:
    batch: CallBatch | None
    state: str
    # Calendar days (Asia/Shanghai) until the deadline's day while open (0 on the last day).
    days_left: int | None

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def is_open(self) -> bool:
        return self.state in (OPEN, YEAR_ROUND)

    @property
    def opens_at(self) -> datetime | None:
        return self.batch.opens_at if self.batch else None

    @property
    def closes_at(self) -> datetime | None:
        return self.batch.closes_at if self.batch else None


def _state(batch: CallBatch, now: datetime) -> str:
    if batch.opens_at is None and not batch.year_round:
        return NOT_STARTED
    if batch.opens_at and now < batch.opens_at:
        return NOT_STARTED
    if batch.closes_at and now > batch.closes_at:
        return CLOSED
    return YEAR_ROUND if batch.year_round else OPEN


def batches_taking(guide: Guide, number: int) -> list[CallBatch]:
    batches = guide.call_batches
    named = {n for b in batches for n in b.direction_numbers}
    return [b for b in batches if b.takes(number, named)]


def current_batch(guide: Guide, number: int, now: datetime | None = None) -> CallBatch | None:
    """The batch open for the 方向 now; else the next to open; else the last to have closed."""
    now = now or timezone.now()
    batches = batches_taking(guide, number)
    by_state: dict[str, list[CallBatch]] = {}
    for batch in batches:
        by_state.setdefault(_state(batch, now), []).append(batch)
    if open_now := by_state.get(OPEN, []) + by_state.get(YEAR_ROUND, []):
        return open_now[0]
    if upcoming := by_state.get(NOT_STARTED):
        dated = sorted((b for b in upcoming if b.opens_at), key=lambda b: b.opens_at)
        return dated[0] if dated else upcoming[0]
    if closed := by_state.get(CLOSED):
        return max(closed, key=lambda b: b.closes_at)
    return None


def status_of(batch: CallBatch | None, now: datetime | None = None) -> CallStatus:
    now = now or timezone.now()
    if batch is None:
        return CallStatus(None, NOT_STARTED, None)
    state = _state(batch, now)
    days_left = None
    if state in (OPEN, YEAR_ROUND) and batch.closes_at:
        days_left = (timezone.localdate(batch.closes_at) - timezone.localdate(now)).days
    return CallStatus(batch, state, days_left)


def direction_status(direction: Direction, now: datetime | None = None) -> CallStatus:
    return status_of(current_batch(direction.guide, direction.number, now), now)


def guide_statuses(guide: Guide, numbers, now: datetime | None = None) -> dict[int, CallStatus]:
    """Each 方向's status with the guide's batches read once."""
    return {n: status_of(current_batch(guide, n, now), now) for n in numbers}


def guide_summary(guide: Guide, now: datetime | None = None) -> list[CallStatus]:
    """Every batch of the guide with its status, for the guide list and page."""
    return [status_of(batch, now) for batch in guide.call_batches]


def directions_of(batch: CallBatch) -> list[int]:
    """The 方向 numbers a batch takes, with the guide's batches as they are now."""
    batches = list(CallBatch.objects.filter(guide_id=batch.guide_id))
    named = {n for b in batches for n in b.direction_numbers}
    numbers = batch.guide.directions.values_list("number", flat=True)
    return [n for n in numbers if batch.takes(n, named)]
