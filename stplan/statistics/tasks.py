"""The statistics' Celery tasks (found here by the worker's autodiscovery): one scope's figures
computed anew, and every scope's on the beat's schedule."""

from stplan.statistics.tables import refresh, refresh_every_scope

__all__ = ["refresh", "refresh_every_scope"]
