"""URLs of the REST API v1, mounted at ``/api/v1/``."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("committees", views.CommitteeViewSet, basename="committee")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("innovations", views.InnovationViewSet, basename="innovation")
router.register("decisions", views.DecisionViewSet, basename="decision")
router.register("follow-ups", views.FollowUpViewSet, basename="follow-up")
router.register("corrections", views.CorrectionViewSet, basename="correction")
router.register("webhooks/deliveries", views.WebhookDeliveryViewSet, basename="webhook-delivery")
router.register("webhooks", views.WebhookViewSet, basename="webhook")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("dashboard/portfolio/", views.PortfolioView.as_view(), name="portfolio"),
    path("workflow/", views.WorkflowView.as_view(), name="workflow"),
    path("", include(router.urls)),
]
