from django.urls import path

from stplan.statistics import views

app_name = "statistics"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("applications/", views.applications, name="applications"),
]
