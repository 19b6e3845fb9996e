from django.urls import path

from stplan.appraisals import views

app_name = "appraisals"
urlpatterns = [
    path("", views.panels, name="panels"),
    path("<int:pk>/", views.panel_detail, name="panel"),
    path("<int:pk>/<slug:action>/", views.panel_action, name="panel_action"),
    path("mine/", views.mine, name="mine"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/decline/", views.task_decline, name="task_decline"),
]
