"""The roster resource: one row per educator, matched by email whatever its case."""

from django.utils import timezone
from import_export import fields
from import_export.results import RowResult

from grants.models import District
from grants.services.audit import audit_record

from ..models import Participant, ParticipantRole
from .base import (
    ROSTER_COLUMNS,
    ChoiceWidget,
    DistrictWidget,
    SiteImportResource,
    TextWidget,
    _text,
)


class ParticipantResource(SiteImportResource):
    """The roster: one row per educator, matched to the roster by email whatever its case."""

    first_name = fields.Field(attribute="first_name", column_name="first_name", widget=TextWidget())
    last_name = fields.Field(attribute="last_name", column_name="last_name", widget=TextWidget())
    email = fields.Field(attribute="email", column_name="email", widget=TextWidget())
    role = fields.Field(
        attribute="role", column_name="role", widget=ChoiceWidget(ParticipantRole, "role")
    )
    district = fields.Field(attribute="district", column_name="district", widget=DistrictWidget())
    school = fields.Field(attribute="school", column_name="school", widget=TextWidget())
    certificate_number = fields.Field(
        attribute="certificate_number", column_name="certificate_number", widget=TextWidget()
    )
    columns = ROSTER_COLUMNS

    class Meta(SiteImportResource.Meta):
        model = Participant
        fields = ROSTER_COLUMNS
        import_id_fields = ["email"]

    def before_import(self, dataset, **kwargs):
        self.existing = {p.email.lower(): p for p in Participant.objects.filter(site=self.site)}
        first_seen = {}
        for index, row in enumerate(dataset.dict, 1):
            email = _text(row.get("email")).lower()
            if not email:
                continue
            if email in first_seen:
                self.file_errors[index]["email"] = [
                    f"{_text(row.get('email'))} is also on row {self.line(first_seen[email])}; "
                    "each email may appear once in the file."
                ]
            else:
                first_seen[email] = index

    def get_instance(self, instance_loader, row):
        return self.remember(self.existing.get(_text(row.get("email")).lower()))

    def init_instance(self, row=None):
        return Participant(site=self.site)

    def import_instance(self, instance, row, **kwargs):
        stored_email = instance.email if instance.pk else None
        super().import_instance(instance, row, **kwargs)
        if stored_email is not None:
            # The same address in another case is the same person: keep it as stored.
            instance.email = stored_email

    plan_fields = [
        "first_name",
        "last_name",
        "email",
        "role",
        "district_id",
        "school",
        "certificate_number",
    ]

    def state_parts(self):
        yield self.site.pk
        yield list(District.objects.order_by("pk").values_list("pk", flat=True))
        yield from (
            Participant.objects.filter(site=self.site)
            .order_by("pk")
            .values_list("pk", *(f.attname for f in self.compared_fields))
        )

    def write_plan(self, plan: dict, counts: dict) -> None:
        now = timezone.now()
        new = self.instances_from(plan["new"])
        for participant in new:
            participant.site = self.site
            participant.created_at = participant.updated_at = now
        Participant.objects.bulk_create(new, batch_size=1000)
        updated = self.instances_from(plan["updated"])
        for participant in updated:
            participant.site = self.site
            participant.updated_at = now
        Participant.objects.bulk_update(updated, self.get_bulk_update_fields(), batch_size=1000)
        self.created = new
        self.record_import(new=len(new), updated=len(updated), unchanged=counts.get("unchanged", 0))

    def after_import(self, dataset, result, **kwargs):
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        totals = result.totals
        self.record_import(
            new=totals[RowResult.IMPORT_TYPE_NEW],
            updated=totals[RowResult.IMPORT_TYPE_UPDATE],
            unchanged=totals[RowResult.IMPORT_TYPE_SKIP],
        )

    def record_import(self, *, new: int, updated: int, unchanged: int) -> None:
        audit_record(
            actor=self.actor,
            action="roster.imported",
            obj=self.site,
            after={
                "new": new,
                "updated": updated,
                "unchanged": unchanged,
                "emails": [p.email for p in self.created],
            },
        )
