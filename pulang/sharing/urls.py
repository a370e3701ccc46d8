from django.urls import path

from . import views

app_name = "sharing"
urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("kasus/<int:case_id>/", views.referral_create_view, name="create"),
    path("<int:referral_id>/", views.referral_detail_view, name="referral"),
    path("<int:referral_id>/tanggapi/", views.referral_answer_view, name="answer"),
    path("persetujuan/kasus/<int:case_id>/", views.consent_view, name="consent"),
    path("persetujuan/<int:consent_id>/tarik/", views.consent_withdraw_view, name="withdraw"),
]
