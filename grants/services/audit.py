from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from grants.models import AuditEntry


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict:
    """The named fields of ``obj`` as JSON-safe values, for an audit entry's before/after."""
    result = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = field.attname if isinstance(field, models.ForeignKey) else name
        result[name] = _plain(getattr(obj, attname))
    return result


def _entry(*, actor, action, obj, before, after, note) -> AuditEntry:
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        actor=actor_user,
        actor_label=(actor_user.email if actor_user else "system"),
        action=action,
        before={k: _plain(v) for k, v in (before or {}).items()},
        after={k: _plain(v) for k, v in (after or {}).items()},
        note=note,
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        entry.object_id = str(obj.pk)
        # A model may name itself without personal data (see Participant.audit_label), so
        # the trail keeps no name that the retention command would have to erase.
        entry.object_repr = str(getattr(obj, "audit_label", obj))[:255]
    return entry


@transaction.atomic
def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditEntry:
    """Append one entry to the audit trail: who did ``action`` to ``obj`` and what changed.

    Every state change and money movement calls this inside its own transaction, so the
    entry exists exactly when the change does."""
    entry = _entry(actor=actor, action=action, obj=obj, before=before, after=after, note=note)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def audit_record_many(
    *, actor, action: str, changes: list[tuple[models.Model, dict | None, dict | None]]
) -> list[AuditEntry]:
    """Append one entry per ``(obj, before, after)`` in ``changes``, all by ``actor`` and
    for the same ``action``, in one insert: a file that creates thousands of records audits
    each of them without a query apiece."""
    entries = [
        _entry(actor=actor, action=action, obj=obj, before=before, after=after, note="")
        for obj, before, after in changes
    ]
    for entry in entries:
        # The actor and content type were just loaded, so only the fields need checking.
        entry.full_clean(exclude=["actor", "content_type"])
    return AuditEntry.objects.bulk_create(entries, batch_size=1000)


def audit_transition(*, actor, obj, action: str, field: str, before, after, note: str = ""):
    """Shorthand for the common case: one state field moved from ``before`` to ``after``."""
    return audit_record(
        actor=actor, action=action, obj=obj, before={field: before}, after={field: after}, note=note
    )


# Who is acting in the current request or command. Set by AuditActorMiddleware for web
# requests and by ``acting_as`` in services, so that changes made through Django's own
# machinery (the Wagtail user and group forms, for instance) still name their actor.
_current_actor: ContextVar = ContextVar("audit_actor", default=None)


def current_actor():
    return _current_actor.get()


@contextmanager
def acting_as(actor):
    """Attribute every audited change made inside the block to ``actor``."""
    token = _current_actor.set(actor)
    try:
        yield actor
    finally:
        _current_actor.reset(token)


def audit_personal_data_export(*, actor, what: str, rows: int, file_format: str, note: str = ""):
    """Record an export that contains people's personal data: who took it, what it
    covered, how many rows and in which format. Every such export calls this."""
    return audit_record(
        actor=actor,
        action="personal_data.exported",
        after={"export": what, "rows": rows, "format": file_format},
        note=note[:1000],
    )
