from django.urls import path

from stplan.funding import views

app_name = "funding"
urlpatterns = [
    path("", views.plans, name="plans"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("compare/", views.compare, name="compare"),
    path("publicity/", views.publicity_list, name="publicity_list"),
    path("publicity/<int:pk>/", views.publicity, name="publicity"),
    path("publicity/<int:pk>/objection/", views.objection, name="objection"),
    path("publicity/<int:pk>/contact/", views.publicity_contact, name="publicity_contact"),
]
