from django.urls import path

from stplan.review import views

app_name = "review"
urlpatterns = [
    path("experts/", views.experts, name="experts"),
    path("experts/template.xlsx", views.expert_template, name="expert_template"),
    path("experts/new/", views.expert_edit, name="expert_new"),
    path("experts/<int:pk>/", views.expert_edit, name="expert"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("mine/", views.my_tasks, name="mine"),
    path("tasks/<int:pk>/", views.task, name="task"),
]
