from django.contrib.auth import views as auth_views
from django.urls import path

from stplan.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("unit/", views.unit_profile, name="unit"),
    path("unit/resubmit/", views.resubmit_registration, name="resubmit_registration"),
    path("unit/invite/", views.invite, name="invite"),
    path("invite/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration_detail"),
    path("registrations/changes/<int:pk>/", views.unit_change, name="unit_change"),
]
