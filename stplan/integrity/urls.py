from django.urls import path

from stplan.integrity import views

app_name = "integrity"
urlpatterns = [
    path("", views.report, name="report"),
    path("scan/", views.scan, name="scan"),
    path("export.xlsx", views.export, name="export"),
    path("pairs/<int:pk>/", views.pair, name="pair"),
    path("applications/<int:pk>/", views.application_pairs, name="application_pairs"),
    path("registry/", views.registry, name="registry"),
    path("registry/template.xlsx", views.registry_template, name="registry_template"),
    path("sanctions/", views.sanctions, name="sanctions"),
    path("sanctions/template.xlsx", views.sanctions_template, name="sanctions_template"),
]
