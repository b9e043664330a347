"""What the roster and attempts resources share: the columns, the cell widgets, and a
site-bound resource that checks every row against rows loaded once per file, writes in
bulk, and keeps a clean preview's plan (see sites.services.imports)."""

import hashlib
from collections import defaultdict
from datetime import date, datetime
from functools import cached_property

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from import_export import resources, widgets

from grants.models import District
from grants.models.directory import district_match_key

from ..models import GrantSite

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
        return tuple(getattr(instance, f.attname) for f in self.compared_fields)

    # Both are asked for on every row, and are the same for the whole file.
    @cached_property
    def compared_fields(self) -> list:
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
                exclude=list(errors) + self.related_fields,
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    @cached_property
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
