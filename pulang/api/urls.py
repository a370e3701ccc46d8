from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("persons", views.PersonViewSet, basename="person")
router.register("regions", views.RegionViewSet, basename="region")

urlpatterns = [
    path("openapi.json", views.SchemaView.as_view(), name="openapi"),
    path("me/", views.MeView.as_view(), name="me"),
    *router.urls,
]
