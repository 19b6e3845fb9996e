from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import include, path

from stplan import health
from stplan.api.v1 import api
from stplan.history import history_page
from stplan.workspace import workspace


def home(request):
    """People who work in the system start at their 工作台; visitors at the public guide."""
    return redirect("workspace" if request.user.is_authenticated else "guides:guide_list")


handler404 = "stplan.api.v1.not_found"

urlpatterns = [
    path("", home),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("workspace/", workspace, name="workspace"),
    path("history/<str:kind>/<int:pk>/", history_page, name="history"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("stplan.accounts.urls")),
    path("applications/", include("stplan.applications.urls")),
    path("", include("stplan.challenges.urls")),
    path("guides/", include("stplan.guides.urls")),
    path("review/", include("stplan.review.urls")),
    path("funding/", include("stplan.funding.urls")),
    path("integrity/", include("stplan.integrity.urls")),
    path("projects/", include("stplan.projects.urls")),
    path("api/v1/", api.urls),
    path("api/tokens/", include("stplan.api.urls")),
    path("statistics/", include("stplan.statistics.urls")),
    path("pledges/", include("stplan.pledges.urls")),
    path("appraisals/", include("stplan.appraisals.urls")),
    path("jobs/", include("stplan.jobs.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
