from django.urls import path

from stplan.projects import acceptance_views, views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("awards/", views.awards, name="awards"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/contract.pdf", views.contract_pdf, name="contract_pdf"),
]
# 验收专家组 and the 验收证书 / 结题证书.
urlpatterns += [
    path("<int:pk>/acceptance-panel/", acceptance_views.panel, name="acceptance_panel"),
    path(
        "<int:pk>/acceptance-panel/<slug:action>/",
        acceptance_views.panel_action,
        name="acceptance_panel_action",
    ),
    path("<int:pk>/certificate.pdf", acceptance_views.certificate, name="certificate"),
    path("acceptance-reviews/", acceptance_views.reviews, name="acceptance_reviews"),
    path("acceptance-reviews/<int:pk>/", acceptance_views.review, name="acceptance_review"),
    path(
        "acceptance-reviews/<int:pk>/decline/",
        acceptance_views.review_decline,
        name="acceptance_review_decline",
    ),
    path(
        "acceptance-reviews/<int:pk>/evidence/<int:file_pk>/",
        acceptance_views.evidence,
        name="acceptance_evidence",
    ),
]
