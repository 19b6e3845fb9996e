"""Records that later stages keep and the eligibility rules read (限项: projects in progress and
past due; 失信: credit records): each stage registers a source here when its app is ready, so
that applications asks for them without importing the stages that keep them."""

from collections.abc import Callable

# Each source returns keyword arguments of `eligibility.rules.Records` (leading, overdue, sanctions);
# the sanctions of several sources are put together.
SOURCES: list[Callable[[], dict]] = []


def provide(source: Callable[[], dict]) -> None:
    SOURCES.append(source)
