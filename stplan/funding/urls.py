from django.urls import path

from stplan.funding import views

app_name = "funding"
urlpatterns = [
    path("", views.plans, name="plans"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/optimise/", views.plan_optimise, name="plan_optimise"),
    path("<int:pk>/items/<int:item_pk>/", views.plan_item_change, name="plan_item_change"),
    path("<int:pk>/publicize/", views.plan_publicize, name="plan_publicize"),
    path("<int:pk>/objections/<int:objection_pk>/handle/", views.objection_handle, name="objection_handle"),
    path("<int:pk>/finalize/", views.plan_finalize, name="plan_finalize"),
    path("compare/", views.compare, name="compare"),
    path("publicity/", views.publicity_list, name="publicity_list"),
    path("publicity/<int:pk>/", views.publicity, name="publicity"),
    path("publicity/<int:pk>/objection/", views.objection, name="objection"),
    path("publicity/<int:pk>/contact/", views.publicity_contact, name="publicity_contact"),
]
