from django.urls import path

from . import views

app_name = "returns"
urlpatterns = [
    path("", views.trip_list_view, name="trips"),
    path("rencana/<int:case_id>/", views.return_plan_view, name="plan"),
    path("shelter/<int:shelter_id>/perjalanan-baru/", views.trip_plan_view, name="trip_plan"),
    path("perjalanan/<int:trip_id>/", views.trip_detail_view, name="trip"),
    path("perjalanan/<int:trip_id>/ruas/", views.trip_leg_view, name="trip_leg"),
    path("perjalanan/<int:trip_id>/berangkat/", views.trip_depart_view, name="trip_depart"),
    path("perjalanan/<int:trip_id>/batal/", views.trip_cancel_view, name="trip_cancel"),
    path(
        "perjalanan/<int:trip_id>/keluar/<int:case_id>/",
        views.trip_member_remove_view,
        name="trip_member_remove",
    ),
    path("perjalanan/<int:trip_id>/serah-terima/", views.trip_handover_view, name="handover"),
    path("perjalanan/<int:trip_id>/manifest.pdf", views.trip_manifest_view, name="manifest"),
    path("serah-terima/<int:handover_id>.pdf", views.handover_document_view, name="document"),
]
