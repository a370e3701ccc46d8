from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("", views.export_list_view, name="list"),
    path("<int:job_id>/", views.export_job_view, name="job"),
    path("<int:job_id>/unduh/", views.export_download_view, name="download"),
    path("<int:job_id>/ulangi/", views.export_restart_view, name="restart"),
]
