from django.urls import path

from stplan.applications import desk, views

app_name = "applications"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/autosave/", views.autosave, name="autosave"),
    path("<int:pk>/attachments/", views.upload_attachment, name="upload_attachment"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.download_attachment, name="attachment"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/remove/", views.remove_attachment, name="remove_attachment"
    ),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path("<int:pk>/print.pdf", views.print_pdf, name="print"),
    path("<int:pk>/review/", desk.review, name="review"),
    path("desk/", desk.desk, name="desk"),
    path("desk/bulk/", desk.desk_bulk, name="desk_bulk"),
    path("desk/export.xlsx", desk.desk_export, name="desk_export"),
]
