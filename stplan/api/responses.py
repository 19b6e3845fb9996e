"""The refusals each kind of endpoint may answer with, declared in the OpenAPI document."""

from django.http import Http404

from stplan.api.schemas import Error

PUBLIC = {400: Error, 404: Error, 422: Error, 429: Error}
SIGNED_IN = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error, 429: Error}
GUARDED_WRITE = {**SIGNED_IN, 412: Error, 428: Error}


def with_errors(ok: dict, errors: dict) -> dict:
    return {**ok, **errors}


def found(obj):
    """The object, or the same 404 an unknown id gets: others' objects are not admitted to exist."""
    if obj is None:
        raise Http404
    return obj
