"""Roster and attempt-result files: checked first (a dry run that writes nothing), then
written all at once when the coordinator confirms.

The same function runs a file for the web flow, the background task and the management
commands, so every one applies the same rules and reports the same errors. Any error
means nothing is written. Files of more than 1,000 rows are checked and written by a
django-q2 task while the page shows progress."""

import uuid
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from import_export.results import RowResult

from grants.queue import enqueue_after_commit
from grants.services.audit import audit_record, audit_transition
from sites.models import GrantSite, ImportBatch, ImportKind, ImportStatus
from sites.tabular import Table, read_table

# Files with more rows than this are checked and written in the background.
TASK_THRESHOLD = 1000
# Rows kept for showing on the preview page; the counts always cover the whole file.
PREVIEW_ROWS = 500

ROW_TYPES = {
    RowResult.IMPORT_TYPE_NEW: "new",
    RowResult.IMPORT_TYPE_UPDATE: "updated",
    RowResult.IMPORT_TYPE_SKIP: "unchanged",
    RowResult.IMPORT_TYPE_INVALID: "error",
    RowResult.IMPORT_TYPE_ERROR: "error",
}


@dataclass
class ImportOutcome:
    """What running a file did, or (for a dry run) would do."""

    counts: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    preview: list = field(default_factory=list)
    # A clean preview's rows to write, and the digest of the site data they were checked
    # against (see SiteImportResource.plan and .state).
    plan: dict = field(default_factory=dict)
    state: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def error_text(error: dict) -> str:
    """One error as people read it: "Row 4, column email: …"."""
    where = f"Row {error['row']}" if error.get("row") else "File"
    if error.get("column"):
        where += f", column {error['column']}"
    return f"{where}: {error['message']}"


def _header_errors(table: Table, columns: list[str]) -> list[dict]:
    missing = [c for c in columns if c not in table.headers]
    if not missing:
        return []
    return [
        {
            "row": 1,
            "column": name,
            "message": f"The header row has no {name} column. The columns are: "
            f"{', '.join(columns)}.",
        }
        for name in missing
    ]


def _result_errors(result, resource) -> list[dict]:
    errors = [
        {"row": None, "column": "", "message": str(error.error)} for error in result.base_errors
    ]
    for invalid in result.invalid_rows:
        for key, messages in invalid.error_dict.items():
            for message in messages:
                errors.append(
                    {
                        "row": resource.line(invalid.number),
                        "column": "" if key == NON_FIELD_ERRORS else resource.column_of(key),
                        "message": message,
                    }
                )
    for number, row_errors in result.row_errors():
        for error in row_errors:
            errors.append({"row": resource.line(number), "column": "", "message": str(error.error)})
    errors.sort(key=lambda e: (e["row"] or 0, e["column"]))
    return errors


def import_file_run(
    *,
    site: GrantSite,
    kind: str,
    table: Table,
    actor,
    dry_run: bool,
    progress=None,
) -> ImportOutcome:
    """Check (``dry_run``) or write one file's rows for ``site``. Every rule of the roster
    or the attempts applies to every row; a write that meets any error writes nothing."""
    from sites.resources import RESOURCES

    resource_class = RESOURCES[kind]
    outcome = ImportOutcome(errors=_header_errors(table, resource_class.columns))
    if outcome.errors:
        return outcome
    dataset = tablib.Dataset(*[tuple(r) for r in table.rows], headers=table.headers)
    resource = resource_class(
        site=site, actor=actor, line_numbers=table.line_numbers, progress=progress
    )
    if dry_run:
        # Taken before the rows are checked, so a change made while checking makes the
        # digest stale and confirming checks the file again.
        outcome.state = resource.state()
        result = resource.preview_data(dataset)
    else:
        result = resource.import_data(
            dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True
        )
    outcome.errors = _result_errors(result, resource)
    counts = {name: 0 for name in ("new", "updated", "unchanged", "error")}
    for index, row_result in enumerate(result.rows):
        label = ROW_TYPES.get(row_result.import_type, "error")
        counts[label] += 1
        if index < PREVIEW_ROWS:
            outcome.preview.append(
                {
                    "row": resource.line(index + 1),
                    "type": label,
                    "values": [str(v) if v is not None else "" for v in table.rows[index]],
                }
            )
    outcome.counts = counts
    if dry_run and outcome.ok:
        outcome.plan = resource.plan()
    return outcome


def _write_plan(batch: ImportBatch) -> ImportOutcome | None:
    """Write what the preview planned, if the site is as the preview saw it; None if it
    changed, and the file must be checked again."""
    from sites.resources import RESOURCES

    if not batch.plan or not batch.checked_state:
        return None
    resource = RESOURCES[batch.kind](site=batch.site, actor=batch.confirmed_by)
    if resource.state() != batch.checked_state:
        return None
    resource.write_plan(batch.plan, batch.counts)
    return ImportOutcome(counts=batch.counts, preview=batch.preview)


def _save_outcome(batch: ImportBatch, outcome: ImportOutcome, *, status: str) -> None:
    batch.counts = outcome.counts
    batch.errors = outcome.errors
    batch.preview = outcome.preview
    batch.plan = outcome.plan
    batch.checked_state = outcome.state
    batch.status = status
    batch.processed_rows = batch.total_rows
    batch.save()


@transaction.atomic
def import_upload(*, site: GrantSite, kind: str, upload, actor) -> ImportBatch:
    """Take a roster or attempts file for ``site`` and check it. A file over 5 MB or 20,000
    rows, undecodable, or not CSV or XLSX is refused at once; otherwise every row is
    checked without writing anything, in the background for files over 1,000 rows."""
    if kind not in ImportKind.values:
        raise ValueError(f"Unknown import kind {kind!r}")
    if upload is None:
        raise ValidationError({"file": "Choose a file to upload."})
    try:
        table = read_table(upload, size=upload.size)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    upload.seek(0)
    batch = ImportBatch(
        public_id=uuid.uuid4(),
        site=site,
        kind=kind,
        filename=(getattr(upload, "name", "") or "upload")[-255:],
        file_format=table.file_format,
        total_rows=len(table.rows),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    batch.file.save(
        f"{batch.public_id}.{table.file_format}", ContentFile(upload.read()), save=False
    )
    batch.full_clean()
    batch.save()
    audit_record(
        actor=actor,
        action=f"{kind}.uploaded",
        obj=batch,
        after={"rows": batch.total_rows, "file": batch.filename},
    )
    if batch.total_rows > TASK_THRESHOLD:
        enqueue_after_commit("sites.tasks.import_check_task", batch.pk)
    else:
        _check(batch, table)
    return batch


def _check(batch: ImportBatch, table: Table) -> None:
    def progress(done):
        ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=done)

    outcome = import_file_run(
        site=batch.site,
        kind=batch.kind,
        table=table,
        actor=batch.created_by,
        dry_run=True,
        progress=progress,
    )
    _save_outcome(
        batch, outcome, status=ImportStatus.PREVIEWED if outcome.ok else ImportStatus.REFUSED
    )


def import_check(*, batch_id: int) -> ImportBatch:
    """Check a stored file (the background half of ``import_upload``). Idempotent: a batch
    that is no longer being checked is left as it is."""
    batch = ImportBatch.objects.select_related("site", "created_by").get(pk=batch_id)
    if batch.status != ImportStatus.CHECKING:
        return batch
    with batch.file.open("rb") as handle:
        table = read_table(handle)
    _check(batch, table)
    return batch


@transaction.atomic
def _mark_confirmed(*, batch: ImportBatch, actor) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.PREVIEWED:
        raise ValidationError(
            f"This file cannot be imported: it is {batch.get_status_display().lower()}."
        )
    batch.status = ImportStatus.IMPORTING
    batch.confirmed_at = timezone.now()
    batch.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    batch.processed_rows = 0
    batch.full_clean()
    batch.save()
    audit_transition(
        actor=actor,
        obj=batch,
        action=f"{batch.kind}.confirmed",
        field="status",
        before=ImportStatus.PREVIEWED,
        after=ImportStatus.IMPORTING,
    )
    if batch.total_rows > TASK_THRESHOLD:
        enqueue_after_commit("sites.tasks.import_write_task", batch.pk)
    return batch


def import_confirm(*, batch: ImportBatch, actor) -> ImportBatch:
    """Write a previewed file. Only a file whose preview found no errors can be confirmed,
    once. If nothing the rows were checked against has changed since the preview, what the
    preview planned is written as it is; otherwise every row is checked again as it is
    written. Any error writes nothing. Large files are written in the background."""
    batch = _mark_confirmed(batch=batch, actor=actor)
    if batch.total_rows <= TASK_THRESHOLD:
        batch = import_write(batch_id=batch.pk)
    return batch


def import_write(*, batch_id: int) -> ImportBatch:
    """Write a confirmed file in one transaction. Idempotent: a batch that is no longer
    importing (already imported, say, by an earlier try of the task) is left alone.
    Imports of one site are written one at a time (the site row is locked), so two files
    cannot both pass against the same roster."""
    with transaction.atomic():
        # No select_related: PostgreSQL cannot lock the nullable side of an outer join.
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != ImportStatus.IMPORTING:
            return batch
        batch.site = GrantSite.objects.select_for_update().get(pk=batch.site_id)
        outcome = _write_plan(batch)
        if outcome is None:
            with batch.file.open("rb") as handle:
                table = read_table(handle)
            outcome = import_file_run(
                site=batch.site,
                kind=batch.kind,
                table=table,
                actor=batch.confirmed_by,
                dry_run=False,
            )
        batch.finished_at = timezone.now()
        _save_outcome(
            batch, outcome, status=ImportStatus.IMPORTED if outcome.ok else ImportStatus.REFUSED
        )
    return batch


def import_fail(*, batch_id: int, message: str) -> None:
    """Record that a background check or write stopped on an unexpected error."""
    ImportBatch.objects.filter(
        pk=batch_id, status__in=[ImportStatus.CHECKING, ImportStatus.IMPORTING]
    ).update(
        status=ImportStatus.FAILED,
        errors=[{"row": None, "column": "", "message": message}],
        finished_at=timezone.now(),
    )
