"""Staff's list of submitted applications in the Wagtail admin: filters, search, an
inspect page and a formula-safe CSV/XLSX export. Registered in cms/wagtail_hooks.py.

Applications are read-only here. They change only through the applicant's portal and the
decision services, so the admin offers no add, edit or delete."""

import django_filters
from django import forms
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from cms.models import RfpPage

from .exports import FormulaSafeSpreadsheetMixin
from .models import Application, ApplicationStatus, ContentArea, OrganizationType
from .selectors.applications import application_histories, staff_applications
from .services.audit import audit_personal_data_export


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Whoever may view the model may only view it in the admin."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, "view")

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")


class ApplicationFilterSet(WagtailFilterSet):
    rfp = django_filters.ModelChoiceFilter(
        label=_("RFP"), queryset=RfpPage.objects.order_by("-closes_at")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[c for c in ApplicationStatus.choices if c[0] != ApplicationStatus.DRAFT],
    )
    content_areas = django_filters.ModelMultipleChoiceFilter(
        label=_("Content area"),
        queryset=ContentArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    org_type = django_filters.ChoiceFilter(
        label=_("Organization type"),
        field_name="organization__org_type",
        choices=OrganizationType.choices,
    )

    class Meta:
        model = Application
        fields = ["rfp", "status", "content_areas", "org_type"]


class FormulaSafeIndexView(FormulaSafeSpreadsheetMixin, IndexView):
    """An admin list whose CSV/XLSX export is safe to open in a spreadsheet."""


class ApplicationIndexView(FormulaSafeIndexView):
    """The list of submitted applications; every export is recorded in the audit log."""

    def get_base_queryset(self):
        return staff_applications()

    def as_spreadsheet(self, queryset, spreadsheet_format):
        # Applications carry contacts' names, emails and phone numbers: a personal-data export.
        audit_personal_data_export(
            actor=self.request.user,
            what="applications",
            rows=queryset.count(),
            file_format=spreadsheet_format,
            note=self.request.GET.urlencode(),
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)


class ApplicationInspectView(InspectView):
    template_name = "grants/admin/application_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(staff_applications(), pk=self.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["application"] = self.object
        context["history"] = application_histories([self.object])[self.object.pk]
        return context


class ApplicationViewSet(ModelViewSet):
    model = Application
    name = "applications"
    icon = "form"
    menu_label = _("Applications")
    menu_order = 150
    add_to_admin_menu = True
    index_view_class = ApplicationIndexView
    inspect_view_class = ApplicationInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = ApplicationFilterSet
    search_fields = [
        "organization__legal_name",
        "title",
        "contact_name",
        "contact_email",
        "rfp__title",
    ]
    list_display = [
        "organization",
        Column("org_type", label=_("Type"), accessor="organization.get_org_type_display"),
        Column("rfp", label=_("RFP"), accessor="rfp.title"),
        Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
        Column("content_areas", label=_("Content areas"), accessor="content_area_codes"),
        Column(
            "submitted_at",
            label=_("Submitted (Pacific)"),
            accessor=lambda application: (
                date_format(timezone.localtime(application.submitted_at), "M j, Y g:i A")
                if application.submitted_at
                else ""
            ),
            sort_key="submitted_at",
        ),
    ]
    list_export = [
        "organization.legal_name",
        "organization.get_org_type_display",
        "organization.district",
        "rfp.title",
        "get_status_display",
        "submitted_at",
        "title",
        "contact_name",
        "contact_title",
        "contact_email",
        "contact_phone",
        "content_area_codes",
        "partner_district_names",
        "budget_total",
        "stipends_total",
        "attachment_count",
        "public_id",
    ]
    export_headings = {
        "organization.legal_name": _("Organization"),
        "organization.get_org_type_display": _("Organization type"),
        "organization.district": _("District or ESD"),
        "rfp.title": _("RFP"),
        "get_status_display": _("Status"),
        "submitted_at": _("Submitted (Pacific time)"),
        "title": _("Project title"),
        "contact_name": _("Contact"),
        "contact_title": _("Contact title"),
        "contact_email": _("Contact email"),
        "contact_phone": _("Contact phone"),
        "content_area_codes": _("Content areas"),
        "partner_district_names": _("Partner districts"),
        "budget_total": _("Budget total"),
        "stipends_total": _("Stipends line"),
        "attachment_count": _("Attachments"),
        "public_id": _("Reference"),
    }
    export_filename = "applications"
    list_per_page = 50
    ordering = ["-submitted_at"]

    def get_urlpatterns(self):
        # Listing and inspecting only: there is no admin form that could bypass the rules.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]
