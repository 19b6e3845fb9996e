from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from stplan.applications import views as application_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="workspace", permanent=False)),
    path("workspace/", application_views.workspace, name="workspace"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("stplan.accounts.urls")),
    path("applications/", include("stplan.applications.urls")),
    path("guides/", include("stplan.guides.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
