from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("persons", views.PersonViewSet, basename="person")
router.register("regions", views.RegionViewSet, basename="region")
router.register("shelters", views.ShelterViewSet, basename="shelter")
router.register("cases", views.CaseViewSet, basename="case")
router.register("sessions", views.SessionViewSet, basename="session")

urlpatterns = [
    path("openapi.json", views.SchemaView.as_view(), name="openapi"),
    path("me/", views.MeView.as_view(), name="me"),
    *router.urls,
]
