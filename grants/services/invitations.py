import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from grants.models import Invitation, InvitationKind, OrganizationMembership
from grants.roles import Role

from .accounts import user_email_verified
from .audit import audit_record
from .email import email_queue
from .notifications import absolute_url


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    return absolute_url(reverse("invitation_accept", args=[token]))


@transaction.atomic
def invitation_create(
    *, kind: str, email: str, actor, organization=None, site=None
) -> tuple[Invitation, str]:
    """Invite ``email`` and email them a single-use link, valid for INVITATION_TTL_DAYS.

    Returns the invitation and the raw token (only its hash is stored). Inviting someone
    who already holds the membership is refused."""
    email = email.strip().lower()
    if (
        kind == InvitationKind.ORGANIZATION_MEMBER
        and organization.memberships.filter(user__email__iexact=email).exists()
    ):
        raise ValidationError({"email": f"{email} is already a member of {organization}."})
    if (
        kind == InvitationKind.SITE_COORDINATOR
        and site.coordinator_links.filter(user__email__iexact=email).exists()
    ):
        raise ValidationError({"email": f"{email} already coordinates {site}."})
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        kind=kind,
        email=email,
        organization=organization,
        site=site,
        token_hash=hash_token(token),
        invited_by=actor if getattr(actor, "is_authenticated", False) else None,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=actor,
        action="invitation.created",
        obj=invitation,
        after={"kind": kind, "email": email, "expires_at": invitation.expires_at},
    )
    body = render_to_string(
        "emails/invitation.txt",
        {"invitation": invitation, "url": invitation_url(token), "inviter": actor},
    )
    email_queue(
        key=f"invitation:{invitation.pk}",
        to=email,
        subject=f"You are invited to Pilot Grants: {invitation.get_kind_display()}",
        body=body,
    )
    return invitation, token


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token names, whether or not it is still usable."""
    return (
        Invitation.objects.select_related("organization", "site")
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, user) -> Invitation:
    """Use an invitation: ``user`` (whose email must be the invited one) gains the
    membership it offers. A link works once and expires after seven days."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=hash_token(token)).first()
    if invitation is None:
        raise ValidationError("This invitation link is not valid.")
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been used.")
    if invitation.revoked_at is not None:
        raise ValidationError("This invitation was withdrawn. Ask for a new one.")
    if invitation.expires_at <= timezone.now():
        raise ValidationError("This invitation has expired. Ask for a new one.")
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            f"This invitation is for {invitation.email}. Sign in with that address to accept it."
        )
    if invitation.kind == InvitationKind.ORGANIZATION_MEMBER:
        if not OrganizationMembership.objects.filter(
            organization=invitation.organization, user=user
        ).exists():
            from .organizations import organization_member_add

            organization_member_add(
                organization=invitation.organization, user=user, actor=invitation.invited_by
            )
    elif invitation.kind == InvitationKind.SITE_COORDINATOR:
        from sites.services.sites import coordinator_add

        if not invitation.site.coordinator_links.filter(user=user).exists():
            coordinator_add(site=invitation.site, user=user, actor=invitation.invited_by)
    else:
        from .accounts import role_grant

        role_grant(user=user, role=Role.REVIEWER, actor=invitation.invited_by)
    # Following the emailed link proves the address.
    user_email_verified(user=user, via="invitation link")
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    audit_record(
        actor=user,
        action="invitation.accepted",
        obj=invitation,
        before={"accepted_at": None},
        after={"accepted_at": invitation.accepted_at},
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor) -> Invitation:
    """Withdraw an unused invitation so its link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been used.")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action="invitation.revoked", obj=invitation)
    return invitation


@transaction.atomic
def invitation_accept_new_account(*, token: str, first_name: str, last_name: str, password: str):
    """Create the invited person's account (its email is the invited address, proven by
    the link) and accept the invitation, both or neither."""
    from .accounts import user_create

    invitation = invitation_for_token(token)
    if invitation is None:
        raise ValidationError("This invitation link is not valid.")
    user = user_create(
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
        password=password,
        verified=True,
    )
    invitation_accept(token=token, user=user)
    return user
