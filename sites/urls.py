from django.urls import path

from .views import attempts, coordinators, imports, public, reports, workspace

urlpatterns = [
    path("grant-sites/", public.site_list, name="site_list"),
    path("grant-sites/<slug:slug>/", public.site_detail, name="site_detail"),
    # The coordinator's workspace (sites.permissions: own sites, staff all, others 404).
    path("portal/sites/", workspace.site_list, name="workspace_sites"),
    path("portal/sites/<slug:slug>/", workspace.site_overview_view, name="workspace_site"),
    path("portal/sites/<slug:slug>/roster/", workspace.roster_view, name="workspace_roster"),
    path("portal/sites/<slug:slug>/attempts/", workspace.attempts_view, name="workspace_attempts"),
    path(
        "portal/sites/<slug:slug>/attempts/new/", attempts.attempt_add, name="workspace_attempt_add"
    ),
    path(
        "portal/sites/<slug:slug>/attempts/<int:pk>/correct/",
        attempts.attempt_correct_view,
        name="workspace_attempt_correct",
    ),
    path(
        "portal/sites/<slug:slug>/participants/<int:pk>/",
        workspace.participant_view,
        name="workspace_participant",
    ),
    path(
        "portal/sites/<slug:slug>/participants/<int:pk>/transcript.pdf",
        workspace.transcript_pdf,
        name="workspace_transcript_pdf",
    ),
    path(
        "portal/sites/<slug:slug>/export/<str:kind>.<str:file_format>",
        workspace.export_view,
        name="workspace_export",
    ),
    path(
        "portal/sites/<slug:slug>/imports/<str:kind>/new/",
        imports.upload_view,
        name="workspace_upload",
    ),
    path(
        "portal/sites/<slug:slug>/imports/<uuid:public_id>/",
        imports.batch_view,
        name="workspace_import",
    ),
    path(
        "portal/sites/<slug:slug>/imports/<uuid:public_id>/confirm/",
        imports.batch_confirm,
        name="workspace_import_confirm",
    ),
    # End-of-pilot site reports (issue 7).
    path("portal/site-reports/", reports.site_report_list, name="site_report_list"),
    path("portal/site-reports/<slug:slug>/", reports.site_report, name="site_report"),
    path(
        "portal/site-reports/<slug:slug>/autosave/",
        reports.site_report_autosave,
        name="site_report_autosave",
    ),
    path(
        "portal/site-reports/<slug:slug>/reply/",
        reports.site_report_reply,
        name="site_report_reply",
    ),
    path(
        "portal/site-reports/<slug:slug>/files/<int:pk>/",
        reports.report_attachment_download,
        name="site_report_attachment",
    ),
    path(
        "portal/site-reports/<slug:slug>/files/<int:pk>/remove/",
        reports.report_attachment_delete,
        name="site_report_attachment_remove",
    ),
    # A site's coordinators and their invitations (issue 8).
    path(
        "portal/sites/<slug:slug>/coordinators/",
        coordinators.site_coordinators,
        name="site_coordinators",
    ),
    path(
        "portal/sites/<slug:slug>/coordinators/invitations/<int:pk>/revoke/",
        coordinators.site_coordinator_invitation_revoke,
        name="site_coordinator_invitation_revoke",
    ),
]
