"""Assertions shared by the suite."""

from django.apps import apps


def database_state() -> dict:
    """Row count and latest update of every table: equal before and after means a refused
    operation changed nothing."""
    state = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        queryset = model._base_manager.all()
        stamp_fields = [f.name for f in model._meta.fields if f.name == "updated_at"]
        latest = (
            queryset.order_by(f"-{stamp_fields[0]}").values_list(stamp_fields[0], flat=True).first()
            if stamp_fields
            else None
        )
        state[model._meta.label] = (queryset.count(), latest)
    return state
