"""Self-service accounts for applicants: register, then prove the email address through a
signed link before applying.

The link carries the account id and address, signed with the project's secret and a
salt of its own, and expires after EMAIL_VERIFICATION_MAX_AGE seconds. Nothing about it is
stored, so there is no token table to leak."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from grants.models import OutboundEmail

from .accounts import user_create, user_email_verified
from .email import email_queue
from .notifications import absolute_url

User = get_user_model()

VERIFICATION_SALT = "grants.email-verification"
# However often someone presses "send the link again", one email per this interval.
RESEND_INTERVAL = timedelta(minutes=2)


def verification_token(user) -> str:
    """A signed, timestamped token naming ``user`` and their current address."""
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=VERIFICATION_SALT)


def verification_url(user) -> str:
    return absolute_url(reverse("email_verify", args=[verification_token(user)]))


def _recent_key_exists(prefix: str) -> bool:
    return OutboundEmail.objects.filter(
        key__startswith=prefix, created_at__gt=timezone.now() - RESEND_INTERVAL
    ).exists()


@transaction.atomic
def email_verification_send(*, user) -> bool:
    """Email ``user`` a fresh verification link, unless they are verified already or one
    was sent in the last two minutes. Returns whether an email was queued."""
    if user.email_verified_at is not None:
        return False
    prefix = f"verify-email:{user.pk}:"
    if _recent_key_exists(prefix):
        return False
    hours = settings.EMAIL_VERIFICATION_MAX_AGE // 3600
    body = render_to_string(
        "emails/verify_email.txt", {"user": user, "url": verification_url(user), "hours": hours}
    )
    email_queue(
        key=f"{prefix}{timezone.now().timestamp():.6f}",
        to=user.email,
        subject="Confirm your email address for Pilot Grants",
        body=body,
    )
    return True


@transaction.atomic
def account_register(*, email: str, first_name: str, last_name: str, password: str):
    """Create an applicant account and email it a verification link.

    If the address already has an account nothing is created; its owner is told by email
    instead (at most every two minutes), so the registration page never reveals which
    addresses have accounts. Returns the new user, or None for an existing address."""
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        prefix = f"registration-existing:{existing.pk}:"
        if not _recent_key_exists(prefix):
            body = render_to_string(
                "emails/registration_existing.txt",
                {
                    "user": existing,
                    "login_url": absolute_url(reverse("account_login")),
                    "reset_url": absolute_url(reverse("password_reset")),
                },
            )
            email_queue(
                key=f"{prefix}{timezone.now().timestamp():.6f}",
                to=existing.email,
                subject="You already have a Pilot Grants account",
                body=body,
            )
        return None
    if not first_name.strip() or not last_name.strip():
        raise ValidationError("Enter your first and last name.")
    user = user_create(
        email=email, first_name=first_name, last_name=last_name, password=password, verified=False
    )
    email_verification_send(user=user)
    return user


@transaction.atomic
def email_verify(*, token: str):
    """Mark the address a verification link names as proven. The link must be intact,
    unexpired and for the account's current address. Using it again changes nothing."""
    try:
        payload = signing.loads(
            token, salt=VERIFICATION_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE
        )
    except signing.SignatureExpired as error:
        raise ValidationError(
            "This confirmation link has expired. Sign in and ask for a new one.", code="expired"
        ) from error
    except signing.BadSignature as error:
        raise ValidationError("This confirmation link is not valid.", code="invalid") from error
    user = User.objects.select_for_update().filter(pk=payload.get("u")).first()
    if user is None or user.email.lower() != payload.get("e"):
        raise ValidationError("This confirmation link is not valid.", code="invalid")
    user_email_verified(user=user, via="confirmation link")
    return user
