from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from grants.roles import ROLE_GROUPS, Role, role_group

from .audit import acting_as, audit_record

User = get_user_model()


@transaction.atomic
def user_create(
    *,
    email: str,
    first_name: str,
    last_name: str,
    password: str | None,
    actor=None,
    verified: bool = False,
    validate_password: bool = True,
):
    """Create an account. Emails are unique regardless of case; passwords must pass the
    configured validators unless the account is created without a usable password."""
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "An account with this email address already exists."})
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
    if verified:
        user.email_verified_at = timezone.now()
    if password:
        if validate_password:
            password_validation.validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=actor, action="user.created", obj=user, after={"email": email})
    return user


@transaction.atomic
def role_grant(*, user, role: Role, actor):
    """Give ``user`` a staff-managed role (program staff, finance or reviewer)."""
    if role not in ROLE_GROUPS:
        raise ValidationError(f"{Role(role).label} is not granted directly.")
    group = role_group(role)
    if user.groups.filter(pk=group.pk).exists():
        return
    # The membership signal (grants.signals) writes the audit entry, naming ``actor``.
    with acting_as(actor):
        user.groups.add(group)
    user.__dict__.pop("_pilot_group_names", None)


@transaction.atomic
def role_revoke(*, user, role: Role, actor):
    """Take a staff-managed role away from ``user``."""
    group = role_group(role)
    if not user.groups.filter(pk=group.pk).exists():
        return
    with acting_as(actor):
        user.groups.remove(group)
    user.__dict__.pop("_pilot_group_names", None)


@transaction.atomic
def two_factor_device_create(*, user, actor, key_hex: str | None = None):
    """Give ``user`` a confirmed TOTP device (for seeding accounts; people enrol through
    the setup page). Returns the device."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(f"{user} already has an authenticator.")
    device = TOTPDevice(user=user, name="Authenticator app", confirmed=True)
    if key_hex:
        device.key = key_hex
    device.full_clean()
    device.save()
    audit_record(actor=actor, action="auth.two_factor_enrolled", obj=user)
    return device


@transaction.atomic
def user_email_verified(*, user, via: str) -> None:
    """Record that ``user`` proved their address (by following an emailed link, ``via``).
    Proving it again changes nothing."""
    if user.email_verified_at is not None:
        return
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at", "updated_at"])
    audit_record(
        actor=user,
        action="user.email_verified",
        obj=user,
        before={"email_verified_at": None},
        after={"email_verified_at": user.email_verified_at},
        note=via,
    )


def user_require_verified(user, *, doing: str = "apply") -> None:
    """Refuse people whose email address is not proven yet: they may sign in, but not
    act for an organization."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise ValidationError("Sign in first.")
    if user.email_verified_at is None:
        raise ValidationError(
            f"Confirm your email address before you {doing}: follow the link we emailed you."
        )
