from django.urls import path

from . import views

app_name = "arrivals"
urlpatterns = [
    path("", views.batch_list_view, name="batches"),
    path("baru/", views.batch_create_view, name="batch_create"),
    path("templat/", views.manifest_template_view, name="template"),
    path("<int:batch_id>/", views.batch_detail_view, name="batch"),
    path("<int:batch_id>/manifest/", views.manifest_upload_view, name="upload"),
    path("<int:batch_id>/daftar/", views.person_register_view, name="register"),
    path("impor/<int:import_id>/", views.manifest_import_view, name="import"),
    path("impor/<int:import_id>/simpan/", views.manifest_commit_view, name="commit"),
    path("impor/<int:import_id>/ulangi/", views.manifest_restart_view, name="restart"),
    path("impor/<int:import_id>/buang/", views.manifest_discard_view, name="discard"),
    path(
        "impor/<int:import_id>/baris/<int:row_number>/",
        views.manifest_row_fix_view,
        name="row_fix",
    ),
]
