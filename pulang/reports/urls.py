from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("ekspor/", views.export_view, name="export"),
    path("ctdc.csv", views.ctdc_export_view, name="ctdc"),
    path("bulanan.pdf", views.monthly_pdf_view, name="monthly"),
]
