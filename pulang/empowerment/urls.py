from django.urls import path

from . import views

app_name = "empowerment"
urlpatterns = [
    path("", views.followups_view, name="followups"),
    path("<int:followup_id>/", views.followup_record_view, name="followup"),
    path("rujukan/<int:referral_id>/daftar/", views.enrol_view, name="enrol"),
    path("kasus/<int:case_id>/hasil/", views.outcome_view, name="outcome"),
]
