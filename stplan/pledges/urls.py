from django.urls import path

from stplan.pledges import views

app_name = "pledges"
urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pledge.pdf", views.pdf, name="pdf"),
    path("<int:pk>/<slug:action>/", views.confirm, name="confirm"),
]
