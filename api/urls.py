"""URLs of the REST API v1, mounted at ``/api/v1/``."""

from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from . import catalogue_views, mandate_views, meetings, politics_views, token_views, views

app_name = "api"


# No ``.json`` suffix routes: the API speaks JSON only, and the suffix reached view methods
# that do not take a ``format`` argument (a 500 on ``PATCH /innovations/1.json``).
class _Router(DefaultRouter):
    include_format_suffixes = False


router = _Router()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("committees", views.CommitteeViewSet, basename="committee")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("innovations", views.InnovationViewSet, basename="innovation")
router.register("decisions", views.DecisionViewSet, basename="decision")
router.register("follow-ups", views.FollowUpViewSet, basename="follow-up")
router.register("corrections", views.CorrectionViewSet, basename="correction")
router.register("checkpoints", views.CheckpointViewSet, basename="checkpoint")
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("webhooks/deliveries", views.WebhookDeliveryViewSet, basename="webhook-delivery")
router.register("webhooks", views.WebhookViewSet, basename="webhook")
router.register("tokens", token_views.ApiTokenViewSet, basename="api-token")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("dashboard/portfolio/", views.PortfolioView.as_view(), name="portfolio"),
    path(
        "meetings/by-external-id/<str:external_id>/",
        meetings.MeetingByExternalIdView.as_view(),
        name="meeting-by-external-id",
    ),
    path("meetings/<int:pk>/agenda/", meetings.MeetingAgendaView.as_view(), name="meeting-agenda"),
    path(
        "meetings/<int:pk>/attendance/",
        meetings.MeetingAttendanceView.as_view(),
        name="meeting-attendance",
    ),
    path(
        "agenda-items/<int:pk>/disqualifications/",
        meetings.AgendaItemDisqualificationsView.as_view(),
        name="agenda-item-disqualifications",
    ),
    path("workflow/", views.WorkflowView.as_view(), name="workflow"),
    path("people/me/data/", views.MyDataView.as_view(), name="my-data"),
    path("people/<int:pk>/data/", views.PersonDataView.as_view(), name="person-data"),
    path("catalogue/", catalogue_views.CatalogueListView.as_view(), name="catalogue"),
    path(
        "catalogue/<int:pk>/",
        catalogue_views.CatalogueEntryView.as_view(),
        name="catalogue-entry",
    ),
    path(
        "catalogue/<int:pk>/reuse/",
        catalogue_views.CatalogueReuseView.as_view(),
        name="catalogue-reuse",
    ),
    path("innovations/<int:pk>/share/", catalogue_views.ShareView.as_view(), name="share"),
    path("innovations/<int:pk>/unshare/", catalogue_views.UnshareView.as_view(), name="unshare"),
    path(
        "innovations/<int:pk>/reuse-naming/",
        catalogue_views.ReuseNamingView.as_view(),
        name="reuse-naming",
    ),
    path(
        "innovations/<int:pk>/documents/",
        catalogue_views.DocumentListView.as_view(),
        name="documents",
    ),
    path(
        "innovations/<int:pk>/status-reports/",
        catalogue_views.StatusReportListView.as_view(),
        name="status-reports",
    ),
    path(
        "innovations/<int:pk>/evaluations/",
        catalogue_views.EvaluationListView.as_view(),
        name="evaluations",
    ),
    path("innovations/<int:pk>/mandate/", mandate_views.MandateView.as_view(), name="mandate"),
    path(
        "innovations/<int:pk>/involvement/",
        mandate_views.InvolvementView.as_view(),
        name="involvement",
    ),
    path(
        "documents/<int:pk>/file/",
        catalogue_views.DocumentFileView.as_view(),
        name="document-file",
    ),
    path("barometer/", catalogue_views.BarometerView.as_view(), name="barometer"),
    path("barometer/csv/", catalogue_views.BarometerCsvView.as_view(), name="barometer-csv"),
    path("proposals/", politics_views.ProposalListView.as_view(), name="proposals"),
    path("proposals/<int:pk>/", politics_views.ProposalDetailView.as_view(), name="proposal"),
    path("reuse-requests/", politics_views.ReuseRequestListView.as_view(), name="reuse-requests"),
    path(
        "reuse-requests/<int:pk>/",
        politics_views.ReuseRequestDetailView.as_view(),
        name="reuse-request",
    ),
    path(
        "reuse-requests/<int:pk>/start/",
        politics_views.ReuseRequestStartView.as_view(),
        name="reuse-request-start",
    ),
    path(
        "reuse-requests/<int:pk>/examination/",
        politics_views.ReuseRequestExaminationView.as_view(),
        name="reuse-request-examination",
    ),
    path(
        "reuse-requests/<int:pk>/withdraw/",
        politics_views.ReuseRequestWithdrawView.as_view(),
        name="reuse-request-withdraw",
    ),
    path("follows/", politics_views.FollowListView.as_view(), name="follows"),
    path("innovations/<int:pk>/follow/", politics_views.FollowView.as_view(), name="follow"),
    path(
        "committees/<int:pk>/report/",
        politics_views.CommitteeReportView.as_view(),
        name="committee-report",
    ),
    path(
        "committees/<int:pk>/report/csv/",
        politics_views.CommitteeReportCsvView.as_view(),
        name="committee-report-csv",
    ),
    path(
        "committees/<int:pk>/briefing/",
        politics_views.CommitteeBriefingView.as_view(),
        name="committee-briefing",
    ),
    path("", include(router.urls)),
    re_path(r"^.*$", views.not_found),
]
