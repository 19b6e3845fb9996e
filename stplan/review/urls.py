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
    path("rounds/<int:pk>/solve/", views.round_solve, name="round_solve"),
    path("rounds/<int:pk>/publish/", views.round_publish, name="round_publish"),
    path("rounds/<int:pk>/pin/", views.round_pin, name="round_pin"),
    path("rounds/<int:pk>/forbid/", views.round_forbid, name="round_forbid"),
    path("rounds/<int:pk>/clear/", views.round_clear, name="round_clear"),
    path("rounds/<int:pk>/extend/", views.round_extend, name="round_extend"),
    path("rounds/<int:pk>/conflict/", views.round_conflict, name="round_conflict"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("mine/", views.my_tasks, name="mine"),
    path("tasks/<int:pk>/", views.task, name="task"),
    path("tasks/<int:pk>/confirm/", views.task_confirm, name="task_confirm"),
    path("tasks/<int:pk>/declare/", views.task_declare, name="task_declare"),
    path("tasks/<int:pk>/save/", views.task_save, name="task_save"),
    path("tasks/<int:pk>/submit/", views.task_submit, name="task_submit"),
    path("tasks/<int:pk>/attachments/<int:attachment_pk>/", views.task_attachment, name="task_attachment"),
]
