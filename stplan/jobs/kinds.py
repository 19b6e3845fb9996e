"""What each kind of job does, registered by the app that owns it.

A kind is `run(job, progress) -> Outcome`: `progress(done, total)` records how far it got
(and that its worker is alive); a ServiceError's message is the reason shown when it fails.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    summary: str = ""
    # A file for the owner to download: (name, content).
    file: tuple[str, bytes] | None = None
    url: str = ""


@dataclass(frozen=True)
class Kind:
    label: str
    run: Callable


KINDS: dict[str, Kind] = {}


def register(name: str, *, label: str, run: Callable) -> None:
    KINDS[name] = Kind(label=label, run=run)


def label_of(name: str) -> str:
    kind = KINDS.get(name)
    return str(kind.label) if kind else name
