"""Every operation of the API has cases in a permission matrix: an endpoint added without
them fails here, named."""

import pytest
from django.test import Client

from tests.api import test_permission_matrix as applications_matrix
from tests.api import test_permission_matrix_programme as programme_matrix

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _operations() -> set[tuple[str, str]]:
    schema = Client().get("/api/v1/openapi.json").json()
    return {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def missing(operations: set, covered: set) -> list[str]:
    return [f"{method} {path}" for method, path in sorted(operations - covered)]


@pytest.mark.django_db
def test_every_api_operation_is_in_a_permission_matrix():
    operations = _operations()
    covered = applications_matrix.COVERED | programme_matrix.COVERED

    assert missing(operations, covered) == []
    # A matrix case for an operation the API no longer has tests nothing.
    assert missing(covered, operations) == []
