"""The attempt-results resource: one row per submission, as the assessment platform
exports them, checked by the attempt rules of sites.services.attempts."""

from collections import defaultdict
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from import_export import fields, widgets
from import_export.results import RowResult

from grants.models import MicroCredential
from grants.services.audit import audit_record

from ..models import Attempt, AttemptResult, GrantSite, Participant
from ..services.attempts import attempt_rule_errors, attempts_recorded
from .base import (
    ATTEMPT_COLUMNS,
    AttemptNumberWidget,
    ChoiceWidget,
    SiteImportResource,
    SubmittedOnWidget,
    _text,
)


class ParticipantByEmailWidget(widgets.Widget):
    def __init__(self, resource):
        super().__init__()
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        email = _text(value)
        participant = self.resource.participants.get(email.lower())
        if participant is None:
            shown = email or "(blank)"
            raise ValueError(f"{shown} is not on the roster of {self.resource.site}.")
        return participant


class MicroCredentialWidget(widgets.Widget):
    def __init__(self, resource):
        super().__init__()
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        code = _text(value).upper()
        micro_credential = self.resource.micro_credentials.get(code)
        if micro_credential is None:
            shown = _text(value) or "(blank)"
            raise ValueError(f'"{shown}" is not a micro-credential code, such as ECS or RWT-1.')
        if micro_credential.content_area_id not in self.resource.piloted_areas:
            raise ValueError(f"{self.resource.site} does not pilot {micro_credential.code}.")
        return micro_credential


class AttemptResource(SiteImportResource):
    """Attempt results as the assessment platform exports them: one row per submission."""

    columns = ATTEMPT_COLUMNS

    class Meta(SiteImportResource.Meta):
        model = Attempt
        fields = ["participant", "micro_credential", "number", "submitted_on", "result"]
        import_id_fields = []

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields = {
            "participant": fields.Field(
                attribute="participant", column_name="email", widget=ParticipantByEmailWidget(self)
            ),
            "micro_credential": fields.Field(
                attribute="micro_credential",
                column_name="micro_credential",
                widget=MicroCredentialWidget(self),
            ),
            "number": fields.Field(
                attribute="number", column_name="attempt", widget=AttemptNumberWidget()
            ),
            "submitted_on": fields.Field(
                attribute="submitted_on", column_name="submitted_on", widget=SubmittedOnWidget()
            ),
            "result": fields.Field(
                attribute="result",
                column_name="result",
                widget=ChoiceWidget(AttemptResult, "result"),
            ),
        }

    def get_import_order(self):
        return list(self.fields)

    def get_export_order(self):
        return list(self.fields)

    def before_import(self, dataset, **kwargs):
        site = (
            GrantSite.objects.select_related("program")
            .prefetch_related("content_areas")
            .get(pk=self.site.pk)
        )
        self.site = site
        self.piloted_areas = {a.pk for a in site.content_areas.all()}
        self.micro_credentials = {m.code.upper(): m for m in MicroCredential.objects.all()}
        self.participants = {}
        for participant in Participant.objects.filter(site=site):
            participant.site = site
            self.participants[participant.email.lower()] = participant
        self.attempts = {}
        self.labels = {}
        for attempt in Attempt.objects.filter(participant__site=site):
            key = (attempt.participant_id, attempt.micro_credential_id)
            self.attempts.setdefault(key, {})[attempt.number] = attempt
        # What the file itself adds, so rows may come in any order: (participant,
        # micro-credential) -> {number: result}, and the row each number first appears on.
        self.in_file = defaultdict(dict)
        seen = {}
        for index, row in enumerate(dataset.dict, 1):
            key = self.row_key(row)
            number = self.row_number(row)
            if key is None or number is None:
                continue
            if (key, number) in seen:
                self.file_errors[index]["number"] = [
                    f"Attempt {number} of {key[1].code} for {key[0].email} is also on row "
                    f"{self.line(seen[key, number])}."
                ]
                continue
            seen[key, number] = index
            self.in_file[key][number] = _text(row.get("result")).lower()

    def row_key(self, row):
        participant = self.participants.get(_text(row.get("email")).lower())
        micro_credential = self.micro_credentials.get(_text(row.get("micro_credential")).upper())
        if participant is None or micro_credential is None:
            return None
        return participant, micro_credential

    @staticmethod
    def row_number(row):
        try:
            return int(_text(row.get("attempt")))
        except ValueError:
            return None

    def get_instance(self, instance_loader, row):
        key, number = self.row_key(row), self.row_number(row)
        if key is None or number is None:
            return None
        recorded = self.attempts.get((key[0].pk, key[1].pk), {})
        attempt = recorded.get(number)
        if attempt is not None:
            self.labels[attempt.pk] = self.original_label(attempt)
        return self.remember(attempt)

    def init_instance(self, row=None):
        return Attempt(
            recorded_by=self.actor if getattr(self.actor, "is_authenticated", False) else None
        )

    def import_instance(self, instance, row, **kwargs):
        stored = self.originals.get(instance.pk) if instance.pk else None
        super().import_instance(instance, row, **kwargs)
        if stored is not None:
            if self.snapshot(instance) != stored:
                raise ValidationError(
                    {
                        "result": f"Attempt {instance.number} of {instance.micro_credential.code} "
                        f"for {instance.participant.email} is already recorded "
                        f"({self.labels[instance.pk]}). A file does not change a recorded "
                        "attempt; correct it on the participant's page."
                    }
                )
            return
        participant, micro_credential = instance.participant, instance.micro_credential
        recorded = self.attempts.get((participant.pk, micro_credential.pk), {})
        earlier = [SimpleNamespace(number=n, result=a.result) for n, a in recorded.items()]
        earlier += [
            SimpleNamespace(number=n, result=r)
            for n, r in self.in_file[participant, micro_credential].items()
            if n < instance.number and n not in recorded
        ]
        errors = attempt_rule_errors(
            participant=participant,
            micro_credential=micro_credential,
            number=instance.number,
            existing=earlier,
        )
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def original_label(attempt) -> str:
        result = AttemptResult(attempt.result).label.lower()
        return f"{result}, submitted {attempt.submitted_on.isoformat()}"

    plan_fields = ["participant_id", "micro_credential_id", "number", "submitted_on", "result"]

    def state_parts(self):
        site = GrantSite.objects.select_related("program").get(pk=self.site.pk)
        yield site.pk, site.program.max_attempts
        yield sorted(site.content_areas.values_list("pk", flat=True))
        yield list(
            MicroCredential.objects.order_by("pk").values_list("pk", "code", "content_area_id")
        )
        yield from Participant.objects.filter(site=site).order_by("pk").values_list("pk", "email")
        yield from (
            Attempt.objects.filter(participant__site=site)
            .order_by("pk")
            .values_list(
                "pk", "participant_id", "micro_credential_id", "number", "result", "submitted_on"
            )
        )

    def write_plan(self, plan: dict, counts: dict) -> None:
        site = GrantSite.objects.select_related("program").get(pk=self.site.pk)
        participants = {p.pk: p for p in Participant.objects.filter(site=site)}
        for participant in participants.values():
            participant.site = site
        micro_credentials = {m.pk: m for m in MicroCredential.objects.all()}
        recorded_by = self.actor if getattr(self.actor, "is_authenticated", False) else None
        new = self.instances_from(plan["new"])
        for attempt in new:
            attempt.participant = participants[attempt.participant_id]
            attempt.micro_credential = micro_credentials[attempt.micro_credential_id]
            attempt.recorded_by = recorded_by
        Attempt.objects.bulk_create(new, batch_size=1000)
        self.created = new
        self.record_import(new=len(new), unchanged=counts.get("unchanged", 0))

    def after_import(self, dataset, result, **kwargs):
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        totals = result.totals
        self.record_import(
            new=totals[RowResult.IMPORT_TYPE_NEW], unchanged=totals[RowResult.IMPORT_TYPE_SKIP]
        )

    def record_import(self, *, new: int, unchanged: int) -> None:
        audit_record(
            actor=self.actor,
            action="attempts.imported",
            obj=self.site,
            after={"new": new, "unchanged": unchanged, "attempts": [a.pk for a in self.created]},
        )
        attempts_recorded(attempts=self.created, actor=self.actor)
