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
        entry.object_repr = str(obj)[:255]
    entry.full_clean()
    entry.save()
    return entry


def audit_transition(*, actor, obj, action: str, field: str, before, after, note: str = ""):
    """Shorthand for the common case: one state field moved from ``before`` to ``after``."""
    return audit_record(
        actor=actor, action=action, obj=obj, before={field: before}, after={field: after}, note=note
    )
