from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("ekspor/", views.case_export_view, name="export"),
    path("<int:case_id>/", views.case_detail_view, name="detail"),
    path("<int:case_id>/skrining/", views.screening_create_view, name="screening"),
    path("<int:case_id>/kebutuhan/", views.needs_view, name="needs"),
    path("<int:case_id>/catatan/", views.note_add_view, name="note"),
    path("<int:case_id>/tugas/", views.task_add_view, name="task"),
    path("<int:case_id>/tutup/", views.case_close_view, name="close"),
    path("skrining/<int:screening_id>/", views.screening_review_view, name="review"),
    path("tugas/<int:task_id>/selesai/", views.task_done_view, name="task_done"),
]
