from django.urls import path

from stplan.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("awards/", views.awards, name="awards"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/contract.pdf", views.contract_pdf, name="contract_pdf"),
]
