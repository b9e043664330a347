from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from grants.models import (
    ApplicationStatus,
    DistrictKind,
    MembershipRequest,
    MembershipRequestStatus,
    Organization,
    OrganizationMembership,
    OrganizationType,
)

from .accounts import user_require_verified
from .audit import audit_record, snapshot

PROFILE_FIELDS = ("legal_name", "org_type", "district", "street", "city", "postal_code")
# Portal addresses under /portal/organizations/ that an organization's slug must not take.
RESERVED_SLUGS = {"new", "join"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:90] or "organization"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_profile(*, legal_name: str, org_type: str, district, exclude_pk=None) -> str:
    """The profile rules shared by registering and editing: a legal name nobody else
    uses, and a district or ESD that is the directory entry of that kind."""
    legal_name = " ".join(legal_name.split())
    taken = Organization.objects.filter(legal_name__iexact=legal_name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(
            {
                "legal_name": "An organization with this name is already registered. "
                "Ask one of its members to invite you, or ask to join it."
            }
        )
    if org_type == OrganizationType.SCHOOL_DISTRICT and (
        district is None or district.kind != DistrictKind.LEA
    ):
        raise ValidationError({"district": "Choose which school district this is."})
    if org_type == OrganizationType.ESD and (district is None or district.kind != DistrictKind.ESD):
        raise ValidationError({"district": "Choose which educational service district this is."})
    return legal_name


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

    The actor must have confirmed their email address. A school district must be linked to
    a directory district, an ESD to a directory ESD."""
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    if is_person:
        user_require_verified(actor, doing="register an organization")
    legal_name = _check_profile(legal_name=legal_name, org_type=org_type, district=district)
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
    if is_person:
        organization_member_add(organization=org, user=actor, actor=actor)
    return org


@transaction.atomic
def organization_update(*, organization: Organization, actor, **fields) -> Organization:
    """Edit an organization's profile. Its type cannot change once it has submitted an
    application, since eligibility was judged on that type."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    before = snapshot(organization, list(PROFILE_FIELDS))
    merged = {name: getattr(organization, name) for name in PROFILE_FIELDS} | fields
    if (
        merged["org_type"] != organization.org_type
        and organization.applications.exclude(
            status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN]
        ).exists()
    ):
        raise ValidationError(
            {
                "org_type": "This organization has submitted an application as a "
                f"{organization.get_org_type_display().lower()}, so its type cannot change. "
                "Ask the board's staff if it is wrong."
            }
        )
    merged["legal_name"] = _check_profile(
        legal_name=merged["legal_name"],
        org_type=merged["org_type"],
        district=merged["district"],
        exclude_pk=organization.pk,
    )
    if merged["org_type"] not in (OrganizationType.SCHOOL_DISTRICT, OrganizationType.ESD):
        # Only districts and ESDs are directory entries themselves.
        merged["district"] = None
    for name, value in merged.items():
        setattr(organization, name, value)
    organization.full_clean()
    organization.save()
    after = snapshot(organization, list(PROFILE_FIELDS))
    if after != before:
        audit_record(
            actor=actor,
            action="organization.updated",
            obj=organization,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    return organization


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


def _already_asked(organization) -> ValidationError:
    return ValidationError(
        f"You have already asked to join {organization}. A member will answer soon."
    )


@transaction.atomic
def membership_request_create(*, organization, user, message: str = "") -> MembershipRequest:
    """Ask to join ``organization``. The person must have confirmed their email, must not
    be a member already and may have one open request per organization. Every member is
    emailed; any one of them may answer."""
    from .notifications import notify_membership_requested

    user_require_verified(user, doing="ask to join an organization")
    if organization.memberships.filter(user=user).exists():
        raise ValidationError(f"You are already a member of {organization}.")
    if organization.membership_requests.filter(
        user=user, status=MembershipRequestStatus.PENDING
    ).exists():
        raise _already_asked(organization)
    request = MembershipRequest(organization=organization, user=user, message=message.strip())
    request.full_clean(validate_constraints=False)
    try:
        # A double click sends two requests at once; the unique constraint keeps one.
        with transaction.atomic():
            request.save()
    except IntegrityError as error:
        raise _already_asked(organization) from error
    audit_record(
        actor=user,
        action="membership_request.created",
        obj=request,
        after={"status": request.status, "organization": organization.pk},
    )
    notify_membership_requested(request=request)
    return request


def _answer(*, request: MembershipRequest, actor, status: str, action: str) -> MembershipRequest:
    request = (
        MembershipRequest.objects.select_for_update()
        .select_related("organization", "user")
        .get(pk=request.pk)
    )
    if request.status != MembershipRequestStatus.PENDING:
        raise ValidationError(
            f"This request was already answered ({request.get_status_display().lower()})."
        )
    if status == MembershipRequestStatus.CANCELLED:
        if actor != request.user:
            raise ValidationError("Only the person who asked can cancel the request.")
    elif not request.organization.memberships.filter(user=actor).exists():
        raise ValidationError(f"Only members of {request.organization} can answer this request.")
    request.status = status
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action=action,
        obj=request,
        before={"status": MembershipRequestStatus.PENDING},
        after={"status": status},
    )
    return request


@transaction.atomic
def membership_request_approve(*, request: MembershipRequest, actor) -> MembershipRequest:
    """A member lets the person in. Only a member of the organization may approve, so a
    request can never approve itself."""
    from .notifications import notify_membership_answered

    request = _answer(
        request=request,
        actor=actor,
        status=MembershipRequestStatus.APPROVED,
        action="membership_request.approved",
    )
    if not request.organization.memberships.filter(user=request.user).exists():
        organization_member_add(organization=request.organization, user=request.user, actor=actor)
    notify_membership_answered(request=request)
    return request


@transaction.atomic
def membership_request_decline(*, request: MembershipRequest, actor) -> MembershipRequest:
    """A member turns the request down; the person is told and may ask again later."""
    from .notifications import notify_membership_answered

    request = _answer(
        request=request,
        actor=actor,
        status=MembershipRequestStatus.DECLINED,
        action="membership_request.declined",
    )
    notify_membership_answered(request=request)
    return request


@transaction.atomic
def membership_request_cancel(*, request: MembershipRequest, actor) -> MembershipRequest:
    """The person who asked withdraws their open request."""
    return _answer(
        request=request,
        actor=actor,
        status=MembershipRequestStatus.CANCELLED,
        action="membership_request.cancelled",
    )
