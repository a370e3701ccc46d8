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
router.register("stays", views.StayViewSet, basename="stay")
router.register("screenings", views.ScreeningViewSet, basename="screening")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("activity-kinds", views.ActivityKindViewSet, basename="activity-kind")
router.register("referrals", views.ReferralViewSet, basename="referral")
router.register("consents", views.ConsentViewSet, basename="consent")
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("followups", views.FollowUpViewSet, basename="followup")

urlpatterns = [
    path("openapi.json", views.SchemaView.as_view(), name="openapi"),
    path("me/", views.MeView.as_view(), name="me"),
    *router.urls,
]
