from django.contrib.auth import views as auth_views
from django.urls import path

from . import (
    agenda_views,
    audit_views,
    catalogue_views,
    dashboard,
    mandate_views,
    token_views,
    views,
)

urlpatterns = [
    path("", views.home, name="home"),
    # Sign-in, sign-out and password reset by e-mail: Django's views with Spor's templates.
    path("sign-in/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("language/", views.switch_language, name="switch_language"),
    path("accessibility/", views.accessibility_statement, name="accessibility_statement"),
    path("innovations/", views.innovation_list, name="innovation_list"),
    path("innovations/new/", views.innovation_create, name="innovation_create"),
    path("innovations/<int:pk>/", views.innovation_detail, name="innovation_detail"),
    path("innovations/<int:pk>/edit/", views.innovation_edit, name="innovation_edit"),
    path(
        "innovations/<int:pk>/evaluation/",
        views.innovation_evaluation,
        name="innovation_evaluation",
    ),
    path(
        "innovations/<int:pk>/mandate/", mandate_views.innovation_mandate, name="innovation_mandate"
    ),
    path(
        "innovations/<int:pk>/mandate/record/",
        mandate_views.innovation_mandate_record,
        name="innovation_mandate_record",
    ),
    path(
        "innovations/<int:pk>/mandate/follow-up/",
        mandate_views.innovation_follow_up,
        name="innovation_mandate_follow_up",
    ),
    path(
        "innovations/<int:pk>/involvement/",
        mandate_views.innovation_involvement,
        name="innovation_involvement",
    ),
    path(
        "innovations/<int:pk>/ask-for-decision/",
        views.innovation_ask_for_decision,
        name="innovation_ask_for_decision",
    ),
    path(
        "innovations/<int:pk>/transitions/<slug:name>/",
        views.innovation_transition,
        name="innovation_transition",
    ),
    path(
        "innovations/<int:pk>/committee/",
        views.innovation_committee,
        name="innovation_committee",
    ),
    path("checkpoints/<int:pk>/waive/", views.checkpoint_waive, name="checkpoint_waive"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/import/", agenda_views.agenda_import, name="agenda_import"),
    path(
        "meetings/<int:pk>/attendance/",
        agenda_views.meeting_attendance,
        name="meeting_attendance",
    ),
    path(
        "meetings/<int:pk>/drafts/<int:innovation_pk>/<slug:kind>/",
        agenda_views.meeting_draft,
        name="meeting_draft",
    ),
    path(
        "records/<slug:kind>/<int:pk>/correction/",
        views.correction,
        name="record_correction",
    ),
    path("my/innovations/", views.my_innovations, name="my_innovations"),
    path("my/follow-ups/", views.my_follow_ups, name="my_follow_ups"),
    path("my/notifications/", views.notifications, name="notifications"),
    path(
        "my/notifications/<int:pk>/open/",
        views.notification_open,
        name="notification_open",
    ),
    path(
        "my/notifications/read/",
        views.notifications_mark_all_read,
        name="notifications_mark_all_read",
    ),
    path("my/calendar/", views.calendar, name="calendar"),
    path("my/preferences/", views.preferences, name="preferences"),
    path("my/tokens/", token_views.api_tokens, name="api_tokens"),
    path("my/tokens/<int:pk>/revoke/", token_views.api_token_revoke, name="api_token_revoke"),
    path("my/data.json", views.my_data, name="my_data"),
    path("people/<int:pk>/data.json", views.person_data, name="person_data"),
    path("catalogue/", catalogue_views.catalogue_list, name="catalogue_list"),
    path("catalogue/<int:pk>/", catalogue_views.catalogue_entry, name="catalogue_entry"),
    path("catalogue/<int:pk>/reuse/", catalogue_views.catalogue_reuse, name="catalogue_reuse"),
    path(
        "innovations/<int:pk>/sharing/",
        catalogue_views.innovation_sharing,
        name="innovation_sharing",
    ),
    path(
        "innovations/<int:pk>/unshare/",
        catalogue_views.innovation_unshare,
        name="innovation_unshare",
    ),
    path(
        "innovations/<int:pk>/reuse-naming/",
        catalogue_views.innovation_reuse_naming,
        name="innovation_reuse_naming",
    ),
    path(
        "innovations/<int:pk>/documents/",
        catalogue_views.innovation_documents,
        name="innovation_documents",
    ),
    path(
        "innovations/<int:pk>/status-reports/",
        catalogue_views.innovation_status_report,
        name="innovation_status_report",
    ),
    path("documents/<int:pk>/file/", catalogue_views.document_file, name="document_file"),
    path("barometer/", catalogue_views.barometer, name="barometer"),
    path("barometer.csv", catalogue_views.barometer_csv, name="barometer_csv"),
    path("portfolio/", dashboard.dashboard, name="dashboard"),
    path("portfolio/rules/", dashboard.rules, name="dashboard_rules"),
    path("portfolio/rules/<int:pk>/", dashboard.rule_edit, name="dashboard_rule_edit"),
    path("portfolio/innovations.csv", dashboard.portfolio_csv, name="dashboard_portfolio_csv"),
    path("portfolio/decisions.csv", dashboard.decisions_csv, name="dashboard_decisions_csv"),
    path("portfolio/audit/", audit_views.audit_log, name="audit"),
    path("portfolio/audit.csv", audit_views.audit_csv, name="audit_csv"),
]
