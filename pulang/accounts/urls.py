from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.login_view, name="login"),
    path("keluar/", views.logout_view, name="logout"),
    path("kata-sandi/", views.password_change_view, name="password_change"),
    path("kata-sandi/selesai/", views.password_change_done_view, name="password_change_done"),
    path("dua-langkah/daftar/", views.otp_setup_view, name="otp_setup"),
    path("dua-langkah/", views.otp_verify_view, name="otp_verify"),
]
