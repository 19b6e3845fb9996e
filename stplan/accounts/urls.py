from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from stplan.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("two-step/", views.two_step, name="two_step"),
    path("two-step/remove/", views.two_step_remove, name="two_step_remove"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    # Django's answer to a reset request is the same whether or not the address is known.
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("register/", views.register, name="register"),
    path("register/confirm/<uidb64>/<token>/", views.confirm_registration, name="confirm_registration"),
    path("unit/", views.unit_profile, name="unit"),
    path("unit/resubmit/", views.resubmit_registration, name="resubmit_registration"),
    path("unit/invite/", views.invite, name="invite"),
    path("invite/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration_detail"),
    path("registrations/<int:pk>/approve/", views.registration_approve, name="registration_approve"),
    path("registrations/<int:pk>/reject/", views.registration_reject, name="registration_reject"),
    path(
        "registrations/<int:pk>/proofs/<int:proof_pk>/",
        views.qualification_proof,
        name="qualification_proof",
    ),
    path("registrations/changes/<int:pk>/", views.unit_change, name="unit_change"),
]
