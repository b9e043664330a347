from django.urls import path

from .views import public, reports

urlpatterns = [
    path("grant-sites/", public.site_list, name="site_list"),
    path("grant-sites/<slug:slug>/", public.site_detail, name="site_detail"),
    # End-of-pilot site reports (issue 7).
    path("portal/site-reports/", reports.site_report_list, name="site_report_list"),
    path("portal/site-reports/<slug:slug>/", reports.site_report, name="site_report"),
    path(
        "portal/site-reports/<slug:slug>/autosave/",
        reports.site_report_autosave,
        name="site_report_autosave",
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
]
