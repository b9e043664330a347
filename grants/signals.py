"""Audit trail entries for changes Django itself makes: sign-ins and failed sign-ins,
lockouts, sign-outs, role membership (groups and the administrator flag), deactivation
and password changes, however they were made (Wagtail admin, shell, services)."""

from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from grants.models import User

# Role-bearing fields of the user row: a change to any of them is audited with before/after.
AUDITED_USER_FIELDS = ("is_superuser", "is_staff", "is_active", "email")


def _request_note(request) -> str:
    if request is None:
        return ""
    address = request.META.get("REMOTE_ADDR", "")
    agent = request.META.get("HTTP_USER_AGENT", "")[:200]
    return f"from {address} {agent}".strip()


@receiver(user_logged_in, dispatch_uid="grants_audit_login")
def audit_login(sender, request, user, **kwargs):
    from grants.services.audit import audit_record

    audit_record(actor=user, action="auth.login", obj=user, note=_request_note(request))


@receiver(user_logged_out, dispatch_uid="grants_audit_logout")
def audit_logout(sender, request, user, **kwargs):
    from grants.services.audit import audit_record

    if user is not None:
        audit_record(actor=user, action="auth.logout", obj=user, note=_request_note(request))


@receiver(user_login_failed, dispatch_uid="grants_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    """A failed sign-in names the address tried, never the password (Django has already
    masked it), and not whether that address has an account."""
    from grants.services.audit import audit_record

    tried = str(credentials.get("username") or credentials.get("email") or "")[:254]
    audit_record(
        actor=None,
        action="auth.login_failed",
        after={"username": tried},
        note=_request_note(request),
    )


def _audit_lockout(sender, request, username=None, ip_address=None, **kwargs):
    from grants.services.audit import audit_record

    audit_record(
        actor=None,
        action="auth.locked_out",
        after={"username": str(username or "")[:254], "ip_address": ip_address or ""},
        note=_request_note(request),
    )


try:
    from axes.signals import user_locked_out

    user_locked_out.connect(_audit_lockout, dispatch_uid="grants_audit_lockout")
except ImportError:  # pragma: no cover - axes is a required dependency
    pass


@receiver(pre_save, sender=User, dispatch_uid="grants_audit_user_before")
def remember_user_before(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    previous = User.objects.filter(pk=instance.pk).values(*AUDITED_USER_FIELDS, "password").first()
    instance._audit_before = previous


@receiver(post_save, sender=User, dispatch_uid="grants_audit_user_after")
def audit_user_change(sender, instance, created, raw=False, **kwargs):
    from grants.services.audit import audit_record, current_actor

    previous = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if raw or created or previous is None:
        return
    before, after = {}, {}
    for name in AUDITED_USER_FIELDS:
        if previous[name] != getattr(instance, name):
            before[name], after[name] = previous[name], getattr(instance, name)
    if before:
        action = "role.changed" if {"is_superuser", "is_staff"} & set(before) else "user.changed"
        audit_record(actor=current_actor(), action=action, obj=instance, before=before, after=after)
    # ``_password`` holds the new raw password until save() finishes, so this is a real
    # change, not Django quietly re-hashing on sign-in. The trail records only the fact.
    if previous["password"] != instance.password and getattr(instance, "_password", None):
        audit_record(actor=current_actor(), action="user.password_changed", obj=instance)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="grants_audit_groups")
def audit_group_membership(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Every change of role membership, made from either side (a user's roles or a
    group's members), in any way, gets one audit entry per person and role."""
    from grants.services.audit import audit_record, current_actor

    if action == "pre_clear":
        # clear() reports no pk_set afterwards; remember what is about to go.
        if reverse:
            instance._audit_cleared = set(instance.user_set.values_list("pk", flat=True))
        else:
            instance._audit_cleared = set(instance.groups.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    ids = instance.__dict__.pop("_audit_cleared", set()) if action == "post_clear" else pk_set
    granted = action == "post_add"
    pairs = (
        [(user, instance) for user in User.objects.filter(pk__in=ids or ())]
        if reverse
        else [(instance, group) for group in Group.objects.filter(pk__in=ids or ())]
    )
    for user, group in pairs:
        user.__dict__.pop("_pilot_group_names", None)
        audit_record(
            actor=current_actor(),
            action="role.granted" if granted else "role.revoked",
            obj=user,
            before={} if granted else {"role": group.name},
            after={"role": group.name} if granted else {},
        )
