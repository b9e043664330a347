from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from grants.models import DistrictKind, Organization, OrganizationMembership, OrganizationType

from .audit import audit_record


def _unique_slug(name: str) -> str:
    base = slugify(name)[:90] or "organization"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organization_create(
    *,
    legal_name: str,
    org_type: str,
    actor,
    district=None,
    street: str = "",
    city: str = "",
    postal_code: str = "",
    slug: str | None = None,
):
    """Register an applicant organization and make ``actor`` its first member.

    A school district must be linked to a directory district, an ESD to a directory ESD."""
    legal_name = " ".join(legal_name.split())
    if Organization.objects.filter(legal_name__iexact=legal_name).exists():
        raise ValidationError(
            {
                "legal_name": "An organization with this name is already registered. "
                "Ask one of its members to invite you."
            }
        )
    if org_type == OrganizationType.SCHOOL_DISTRICT and (
        district is None or district.kind != DistrictKind.LEA
    ):
        raise ValidationError({"district": "Choose which school district this is."})
    if org_type == OrganizationType.ESD and (district is None or district.kind != DistrictKind.ESD):
        raise ValidationError({"district": "Choose which educational service district this is."})
    org = Organization(
        legal_name=legal_name,
        slug=slug or _unique_slug(legal_name),
        org_type=org_type,
        district=district,
        street=street,
        city=city,
        postal_code=postal_code,
    )
    org.full_clean()
    org.save()
    audit_record(
        actor=actor, action="organization.created", obj=org, after={"legal_name": legal_name}
    )
    if actor is not None and getattr(actor, "is_authenticated", False):
        organization_member_add(organization=org, user=actor, actor=actor)
    return org


@transaction.atomic
def organization_member_add(*, organization, user, actor):
    """Add ``user`` to ``organization``; a person belongs to an organization once."""
    if OrganizationMembership.objects.filter(organization=organization, user=user).exists():
        raise ValidationError(f"{user} is already a member of {organization}.")
    membership = OrganizationMembership(
        organization=organization,
        user=user,
        invited_by=actor if actor is not None and actor != user else None,
    )
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="organization.member_added",
        obj=organization,
        after={"member": user.email},
    )
    return membership
