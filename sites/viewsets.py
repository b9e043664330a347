"""Staff screens of the sites app in the Wagtail admin. Registered in cms/wagtail_hooks.py.

Staff see every site, participant and attempt here, filter, search and export them
(formula-safe CSV/XLSX, recorded in the audit log). Rosters and attempts are read-only in
the admin: they change through the services behind the portal workspace (which staff can
also open), so no admin form can bypass the attempt rules or the audit trail."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from grants.admin_views import FormulaSafeIndexView
from grants.services.audit import audit_record

from .models import Attempt, GrantSite, ImportBatch, Participant


class AuditedExportIndexView(FormulaSafeIndexView):
    """An admin list whose exports are recorded in the audit log (they hold personal data)."""

    select_related: tuple = ()

    def get_base_queryset(self):
        return super().get_base_queryset().select_related(*self.select_related)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        audit_record(
            actor=self.request.user,
            action=f"{self.model._meta.model_name}.exported",
            after={"format": spreadsheet_format, "rows": queryset.count()},
            note=self.request.GET.urlencode()[:1000],
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)


class GrantSiteIndexView(AuditedExportIndexView):
    select_related = ("program", "organization")


class ParticipantIndexView(AuditedExportIndexView):
    select_related = ("site", "district")


class AttemptIndexView(AuditedExportIndexView):
    select_related = ("participant__site", "micro_credential")


class ImportBatchIndexView(AuditedExportIndexView):
    select_related = ("site", "created_by")


class GrantSiteViewSet(ModelViewSet):
    model = GrantSite
    icon = "home"
    menu_label = _("Grant sites")
    index_view_class = GrantSiteIndexView
    list_display = ["name", "program", "organization", "status"]
    list_filter = ["program", "status"]
    search_fields = ["name"]
    form_fields = ["name", "summary", "status"]
    inspect_view_enabled = True
    copy_view_enabled = False
    list_export = ["name", "slug", "program", "organization", "status"]
    export_filename = "grant-sites"


class ReadOnlyViewSet(ModelViewSet):
    """List, inspect and export only (their models get a view-only permission policy in
    cms/wagtail_hooks.py)."""

    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]


class ParticipantViewSet(ReadOnlyViewSet):
    model = Participant
    icon = "user"
    menu_label = _("Participants")
    index_view_class = ParticipantIndexView
    list_display = ["last_name", "first_name", "email", "site", "role", "district"]
    list_filter = ["site__program", "site", "role"]
    search_fields = ["first_name", "last_name", "email", "certificate_number"]
    list_export = [
        "site.slug",
        "first_name",
        "last_name",
        "email",
        "role",
        "district.name",
        "school",
        "certificate_number",
    ]
    export_headings = {"site.slug": _("site"), "district.name": _("district")}
    export_filename = "participants"


class AttemptViewSet(ReadOnlyViewSet):
    model = Attempt
    icon = "tasks"
    menu_label = _("Attempts")
    index_view_class = AttemptIndexView
    list_display = [
        "participant",
        Column("site", label=_("Site"), accessor="participant.site"),
        "micro_credential",
        "number",
        "submitted_on",
        "result",
    ]
    list_filter = ["participant__site__program", "participant__site", "micro_credential", "result"]
    search_fields = ["participant__email", "participant__last_name"]
    list_export = [
        "participant.site.slug",
        "participant.email",
        "micro_credential.code",
        "number",
        "submitted_on",
        "result",
    ]
    export_headings = {
        "participant.site.slug": _("site"),
        "participant.email": _("email"),
        "micro_credential.code": _("micro_credential"),
        "number": _("attempt"),
    }
    export_filename = "attempts"


class ImportBatchViewSet(ReadOnlyViewSet):
    model = ImportBatch
    icon = "upload"
    menu_label = _("Roster and attempt uploads")
    index_view_class = ImportBatchIndexView
    list_display = ["filename", "site", "kind", "status", "total_rows", "created_at"]
    list_filter = ["kind", "status", "site"]
    search_fields = ["filename"]
    list_export = ["site.slug", "kind", "filename", "status", "total_rows", "created_at"]
    export_filename = "uploads"


class SitesViewSetGroup(ModelViewSetGroup):
    menu_label = _("Sites")
    menu_icon = "home"
    menu_order = 300
    items = (GrantSiteViewSet, ParticipantViewSet, AttemptViewSet, ImportBatchViewSet)
