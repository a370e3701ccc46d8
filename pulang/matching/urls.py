from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("", views.duplicate_list_view, name="duplicates"),
    path("<int:candidate_id>/", views.duplicate_decide_view, name="decide"),
]
