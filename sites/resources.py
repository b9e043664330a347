"""django-import-export resources for a site's roster and attempt results.

Each resource is built for one site. Everything a row is checked against (the site's
participants, its attempts, the district directory, the micro-credentials) is loaded once
per file, so checking 10,000 rows costs a handful of queries rather than several per row,
and new rows are written with ``bulk_create``. The rules are the services' rules
(sites.services.attempts.attempt_rule_errors); the resources only apply them to a file."""

import hashlib
from collections import defaultdict
from datetime import date, datetime
from types import SimpleNamespace

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from import_export import fields, resources, widgets
from import_export.results import RowResult

from grants.models import District, MicroCredential
from grants.models.directory import district_match_key
from grants.services.audit import audit_record

from .models import Attempt, AttemptResult, GrantSite, Participant, ParticipantRole
from .services.attempts import attempt_rule_errors, attempts_recorded

ROSTER_COLUMNS = [
    "first_name",
    "last_name",
    "email",
    "role",
    "district",
    "school",
    "certificate_number",
]
ATTEMPT_COLUMNS = ["email", "micro_credential", "attempt", "submitted_on", "result"]


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


class TextWidget(widgets.Widget):
    """Text, trimmed. Whatever a spreadsheet made of the cell is turned back into text."""

    def clean(self, value, row=None, **kwargs):
        return _text(value)


class ChoiceWidget(widgets.Widget):
    def __init__(self, choices, label: str):
        super().__init__()
        self.choices = choices
        self.label = label

    def clean(self, value, row=None, **kwargs):
        text = _text(value).lower().replace(" ", "_").replace("-", "_")
        if text not in self.choices.values:
            allowed = ", ".join(self.choices.values)
            shown = _text(value) or "(blank)"
            raise ValueError(f'"{shown}" is not a {self.label}. Use one of: {allowed}.')
        return text


class DistrictWidget(widgets.Widget):
    """A directory entry, matched case-insensitively, with or without "School District"."""

    def __init__(self):
        super().__init__()
        self.by_key = None

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            raise ValueError("Enter the participant's school district, as the directory names it.")
        if self.by_key is None:
            self.by_key = {d.match_key: d for d in District.objects.all()}
        district = self.by_key.get(district_match_key(text))
        if district is None:
            raise ValueError(f'"{text}" is not in the district directory.')
        return district


class SubmittedOnWidget(widgets.Widget):
    """A date written YYYY-MM-DD, or an Excel date cell. Not in the future."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            value = value.date()
        if not isinstance(value, date):
            text = _text(value)
            try:
                value = datetime.strptime(text, "%Y-%m-%d").date()
            except ValueError:
                shown = text or "(blank)"
                raise ValueError(
                    f'"{shown}" is not a date written YYYY-MM-DD, such as 2026-10-01.'
                ) from None
        if value > timezone.localdate():
            raise ValueError(f"{value.isoformat()} is in the future.")
        return value


class AttemptNumberWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        try:
            return int(text)
        except ValueError:
            shown = text or "(blank)"
            raise ValueError(f'"{shown}" is not an attempt number such as 1, 2 or 3.') from None


class SiteImportResource(resources.ModelResource):
    """What both imports share: one site, rows numbered as in the spreadsheet, cached
    lookups, bulk writes, unchanged rows reported as skipped and uniqueness checked against
    the preloaded rows (so full_clean makes no query per row)."""

    columns: list[str] = []

    def __init__(self, *, site: GrantSite, actor=None, line_numbers=None, progress=None):
        super().__init__()
        self.site = site
        self.actor = actor
        self.line_numbers = line_numbers or []
        self.progress = progress
        self.originals = {}
        self.created = []
        # What a preview found it would write, kept so that confirming writes it directly.
        self.planned_new = []
        self.planned_updates = []
        self.processed = 0
        # Problems found in the file as a whole (such as a repeated row), by data row index.
        self.file_errors = defaultdict(dict)

    class Meta:
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        skip_html_diff = True
        report_skipped = True
        clean_model_instances = True

    def line(self, index: int) -> int:
        """The spreadsheet row number of data row ``index`` (1-based, as import-export counts)."""
        if 0 < index <= len(self.line_numbers):
            return self.line_numbers[index - 1]
        return index + 1

    def column_of(self, key: str) -> str:
        if key == NON_FIELD_ERRORS:
            return ""
        for field in self.fields.values():
            if field.attribute == key:
                return field.column_name
        return key

    def snapshot(self, instance) -> tuple:
        return tuple(getattr(instance, f.attname) for f in self.compared_fields())

    def compared_fields(self):
        names = {f.attribute for f in self.get_import_fields()}
        return [f for f in self._meta.model._meta.concrete_fields if f.name in names]

    def remember(self, instance):
        if instance is not None:
            self.originals[instance.pk] = self.snapshot(instance)
        return instance

    def before_import_row(self, row, **kwargs):
        problems = self.file_errors.get(kwargs.get("row_number"))
        if problems:
            raise ValidationError(problems)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            # Uniqueness is checked against the preloaded rows, not with a query per row, and
            # related rows (site, district, participant, micro-credential) were resolved from
            # rows loaded for this file, so they need no query each to prove they exist.
            instance.full_clean(
                exclude=list(errors) + self.related_fields(),
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def related_fields(self) -> list[str]:
        return [f.name for f in self._meta.model._meta.concrete_fields if f.is_relation]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None:
            return False
        return self.originals.get(instance.pk) == self.snapshot(instance)

    def after_import_row(self, row, row_result, **kwargs):
        self.processed += 1
        if self.progress and self.processed % 250 == 0:
            self.progress(self.processed)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if dry_run:
            # A preview writes nothing, but keeps what it would write.
            self.planned_new.extend(self.create_instances)
            self.create_instances.clear()
            return
        self.created.extend(self.create_instances)
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size, result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if dry_run:
            self.planned_updates.extend(self.update_instances)
            self.update_instances.clear()
            return
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size, result)

    def get_bulk_update_fields(self):
        return [f.attribute for f in self.get_import_fields() if f.attribute != "email"] + [
            "updated_at"
        ]

    def before_save_instance(self, instance, row, **kwargs):
        instance.updated_at = timezone.now()
        if instance.pk is None:
            instance.created_at = instance.updated_at

    # The plan: what a clean preview would write, as JSON, so that confirming a file whose
    # site has not changed since the preview writes it without checking every row again.
    plan_fields: list[str] = []

    def plan(self) -> dict:
        """What the preview just checked would write: new rows and updated rows, each as
        the values of ``plan_fields`` (with the primary key for updates)."""

        def values(instance, with_pk=False):
            row = {name: _plain(getattr(instance, name)) for name in self.plan_fields}
            if with_pk:
                row["id"] = instance.pk
            return row

        return {
            "new": [values(i) for i in self.planned_new],
            "updated": [values(i, with_pk=True) for i in self.planned_updates],
        }

    def instances_from(self, rows: list[dict]) -> list:
        model = self._meta.model
        converters = {name: model._meta.get_field(name).to_python for name in self.plan_fields}
        return [
            model(
                **{name: converters[name](value) for name, value in row.items() if name != "id"},
                **({"id": row["id"]} if "id" in row else {}),
            )
            for row in rows
        ]

    def state(self) -> str:
        """A digest of everything this site's rows are checked against. The preview records
        it; confirming writes the preview's plan only while it is unchanged."""
        digest = hashlib.sha256()
        for part in self.state_parts():
            digest.update(repr(part).encode())
        return digest.hexdigest()

    def state_parts(self):
        raise NotImplementedError

    def write_plan(self, plan: dict, counts: dict) -> None:
        """Write a plan that was checked against the site as it still is."""
        raise NotImplementedError

    def preview_data(self, dataset):
        """Check every row and report what confirming would do, writing nothing. The
        preview needs no transaction, so progress saved on the way is seen by the page."""
        return self.import_data_inner(
            dataset,
            dry_run=True,
            raise_errors=False,
            using_transactions=False,
            collect_failed_rows=False,
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
            .values_list("pk", *(f.attname for f in self.compared_fields()))
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


RESOURCES = {"roster": ParticipantResource, "attempts": AttemptResource}
