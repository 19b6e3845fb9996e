from django.urls import path

from stplan.guides import views

app_name = "guides"
urlpatterns = [
    path("", views.guide_list, name="guide_list"),
    path("<slug:slug>/", views.guide_detail, name="guide_detail"),
    path("<slug:slug>/<int:number>/", views.direction_detail, name="direction_detail"),
    path("<slug:slug>/templates/<slug:code>/", views.attachment_template, name="attachment_template"),
]
