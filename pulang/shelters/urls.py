from django.urls import path

from . import views

app_name = "shelters"
urlpatterns = [
    path("", views.shelter_list_view, name="list"),
    path("<int:shelter_id>/", views.shelter_board_view, name="board"),
    path("<int:shelter_id>/terima/", views.shelter_admit_view, name="admit"),
    path("<int:shelter_id>/harian/", views.shelter_daily_view, name="daily"),
    path("<int:shelter_id>/makan/", views.meal_roll_call_view, name="meals"),
    path("<int:shelter_id>/barang/", views.provision_issue_view, name="items"),
    path("<int:shelter_id>/kegiatan/", views.session_list_view, name="sessions"),
    path("<int:shelter_id>/kegiatan/baru/", views.session_create_view, name="session_create"),
    path("kegiatan/<int:session_id>/", views.session_detail_view, name="session"),
    path("kegiatan/<int:session_id>/hadir/", views.attendance_view, name="attendance"),
    path("tinggal/<int:stay_id>/keluar/", views.stay_discharge_view, name="discharge"),
    path("tinggal/<int:stay_id>/pindah/", views.stay_transfer_view, name="transfer"),
]
