"""The audit log in the Wagtail admin (Audit log): staff and finance filter it by object,
actor, action and date, inspect an entry's before and after, and export it. Entries are
never editable: the admin offers list, inspect and export only, the model refuses saves
of existing rows and deletes, and database triggers refuse UPDATE and DELETE."""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from .admin_views import FormulaSafeIndexView
from .models import AuditEntry
from .services.audit import audit_personal_data_export


class AuditEntryFilterSet(WagtailFilterSet):
    actor = django_filters.CharFilter(
        label=_("Actor (email contains)"), field_name="actor_label", lookup_expr="icontains"
    )
    action = django_filters.CharFilter(label=_("Action (starts with)"), lookup_expr="istartswith")
    content_type = django_filters.ModelChoiceFilter(
        label=_("Object type"),
        queryset=ContentType.objects.filter(
            app_label__in=["grants", "sites", "stipends", "cms"]
        ).order_by("app_label", "model"),
    )
    object_id = django_filters.CharFilter(label=_("Object id"), lookup_expr="exact")
    created_at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = AuditEntry
        fields = ["actor", "action", "content_type", "object_id", "created_at"]


class AuditIndexView(FormulaSafeIndexView):
    """The log, newest first. Its export names people, so taking it is itself audited."""

    def get_base_queryset(self):
        return AuditEntry.objects.select_related("content_type")

    def as_spreadsheet(self, queryset, spreadsheet_format):
        audit_personal_data_export(
            actor=self.request.user,
            what="audit log",
            rows=queryset.count(),
            file_format=spreadsheet_format,
            note=self.request.GET.urlencode(),
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)


class AuditInspectView(InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(AuditEntry.objects.select_related("content_type"), pk=self.pk)

    def get_fields(self):
        return [
            "created_at",
            "actor_label",
            "action",
            "content_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "note",
        ]


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    name = "audit"
    # Entries are never edited, so Wagtail need not track their references.
    add_to_reference_index = False
    icon = "history"
    menu_label = _("Audit log")
    menu_order = 900
    add_to_admin_menu = True
    index_view_class = AuditIndexView
    inspect_view_class = AuditInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = AuditEntryFilterSet
    list_display = [
        Column("created_at", label=_("Time"), sort_key="created_at"),
        Column("actor_label", label=_("Actor")),
        Column("action", label=_("Action")),
        Column("object_repr", label=_("Object")),
        Column("content_type", label=_("Type")),
        Column("object_id", label=_("Id")),
    ]
    list_export = [
        "created_at",
        "actor_label",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "before",
        "after",
        "note",
    ]
    export_filename = "audit-log"
    list_per_page = 100
    ordering = ["-created_at", "-id"]

    def get_urlpatterns(self):
        # Listing, inspecting and exporting only: no admin form can change an entry.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]
