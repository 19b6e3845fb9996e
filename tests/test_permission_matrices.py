"""Every named URL of the web pages is in a permission matrix. Each matrix checks that it
covers its own namespace whole; this checks that no page is left outside every matrix (a
new app's, say), naming the ones that are."""

from django.urls import URLResolver, get_resolver

from tests.api import test_permission_matrix_tokens as tokens
from tests.applications import test_permission_matrix as applications
from tests.appraisals import test_permission_matrix as appraisals
from tests.challenges import test_permission_matrix as challenges
from tests.funding import test_permission_matrix as funding
from tests.integrity import test_permission_matrix as integrity
from tests.jobs import test_permission_matrix as jobs
from tests.pledges import test_permission_matrix as pledges
from tests.projects import test_permission_matrix as projects
from tests.review import test_permission_matrix as review
from tests.statistics import test_permission_matrix as statistics

MATRICES = (
    applications,
    appraisals,
    challenges,
    funding,
    integrity,
    jobs,
    pledges,
    projects,
    review,
    statistics,
    tokens,
)
# Guarded whole elsewhere: the Django admin by its own permissions (tests/test_audit.py), the
# API by tests/api/test_matrix_coverage.py from its OpenAPI document.
ELSEWHERE = ("admin", "api-v1")
# Pages no matrix covers: they show nobody's data, or the same to everyone, or what they show
# depends on the person in ways their own tests check.
NOT_IN_MATRIX = {
    "healthz",  # probes: tests/test_health.py
    "readyz",
    "set_language",  # Django's language switch
    # The public 申报指南, alike for everyone: tests/guides/test_views.py.
    "guides:guide_list",
    "guides:guide_detail",
    "guides:direction_detail",
    "guides:attachment_template",
    # One's own 工作台, by role: tests/test_workspace.py.
    "workspace",
    # An object's history, for those who may see the object: tests/test_history.py.
    "history",
}


def url_names(resolver=None, prefix: str = "") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            if pattern.namespace not in ELSEWHERE:
                names |= url_names(pattern, namespace)
        elif pattern.name:
            names.add(f"{prefix}{pattern.name}")
    return names


def test_every_web_url_name_is_in_a_permission_matrix():
    covered = set().union(*(m.COVERED_URL_NAMES for m in MATRICES)) | applications.NOT_IN_MATRIX

    assert sorted(url_names() - covered - NOT_IN_MATRIX) == []
    # An entry for a page that no longer exists would hide the next one of that name.
    assert sorted((covered | NOT_IN_MATRIX) - url_names()) == []
