from django.urls import path

from stplan.challenges import views

app_name = "challenges"
urlpatterns = [
    path("challenges/", views.needs, name="needs"),
    path("challenges/calls/<int:call>/new/", views.need_new, name="need_new"),
    path("challenges/needs/<int:pk>/", views.need_detail, name="need"),
    path("challenges/needs/<int:pk>/<slug:action>/", views.need_action, name="need_action"),
    path("challenges/items/new/<int:need>/", views.item_new, name="item_new"),
    path("challenges/items/<int:pk>/", views.item_detail, name="item"),
    path("challenges/items/<int:pk>/<slug:action>/", views.item_action, name="item_action"),
    # The public 榜单, beside the guide it belongs to.
    path("guides/<slug:slug>/challenges/", views.board_index, name="board_index"),
    path("guides/<slug:slug>/challenges/<int:number>/", views.board, name="board"),
]
