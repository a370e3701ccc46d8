from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list_view, name="list"),
    path("ekspor/", views.person_export_view, name="export"),
    path("<int:person_id>/", views.person_detail_view, name="detail"),
    path("<int:person_id>/ungkap/", views.person_reveal_view, name="reveal"),
]
