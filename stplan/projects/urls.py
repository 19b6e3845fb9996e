from django.urls import path

from stplan.projects import acceptance_views, views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("awards/", views.awards, name="awards"),
    path("awards/<int:award_pk>/revoke/", views.revoke_award, name="revoke_award"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/contract.pdf", views.contract_pdf, name="contract_pdf"),
    path("<int:pk>/contract/confirm/", views.advance_contract, {"step": "confirm"}, name="confirm_contract"),
    path(
        "<int:pk>/contract/unit-approve/",
        views.advance_contract,
        {"step": "unit_approve"},
        name="unit_approve_contract",
    ),
    path("<int:pk>/contract/approve/", views.advance_contract, {"step": "approve"}, name="approve_contract"),
    path("<int:pk>/tranches/<int:target_pk>/pay/", views.pay, name="pay"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/reports/", views.submit_report, name="report"),
    path(
        "<int:pk>/reports/<int:target_pk>/accept/",
        views.review_report,
        {"accept": True},
        name="accept_report",
    ),
    path(
        "<int:pk>/reports/<int:target_pk>/return/",
        views.review_report,
        {"accept": False},
        name="return_report",
    ),
    path("<int:pk>/changes/", views.request_change, name="change"),
    path(
        "<int:pk>/changes/<int:target_pk>/approve/",
        views.decide_change,
        {"approve": True},
        name="approve_change",
    ),
    path(
        "<int:pk>/changes/<int:target_pk>/reject/",
        views.decide_change,
        {"approve": False},
        name="reject_change",
    ),
    path("<int:pk>/acceptance/", views.submit_acceptance, name="acceptance"),
    path("<int:pk>/acceptance/decide/", views.decide_acceptance, name="decide_acceptance"),
    path("<int:pk>/evidence/", views.add_evidence, name="evidence"),
    path("<int:pk>/terminate/", views.terminate, name="terminate"),
    path("<int:pk>/allow-early/", views.allow_early, name="allow_early"),
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
