"""The statistics' Celery task (found here by the worker's autodiscovery): a scope's figures
computed anew."""

from stplan.statistics.tables import refresh

__all__ = ["refresh"]
