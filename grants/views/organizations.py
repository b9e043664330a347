"""The applicant's organizations: register one, ask to join one, invite colleagues and
answer requests to join. Non-members get 404 for every organization page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from grants.forms.organizations import (
    InviteForm,
    MembershipRequestForm,
    OrganizationForm,
    OrganizationSearchForm,
)
from grants.models import (
    Invitation,
    InvitationKind,
    MembershipRequest,
    MembershipRequestStatus,
    Organization,
    OrganizationMembership,
)
from grants.permissions import (
    can_answer_membership_request,
    can_apply,
    can_manage_members,
    require,
)
from grants.services.invitations import invitation_create, invitation_revoke
from grants.services.organizations import (
    PROFILE_FIELDS,
    membership_request_approve,
    membership_request_cancel,
    membership_request_create,
    membership_request_decline,
    organization_create,
    organization_update,
)

from .accounts import safe_next
from .feedback import attempt

ANSWERS = {"approve": membership_request_approve, "decline": membership_request_decline}


def organization_url(organization) -> str:
    return reverse("organization_detail", args=[organization.slug])


def _member_organization(request, slug) -> Organization:
    organization = get_object_or_404(Organization.objects.select_related("district"), slug=slug)
    require(can_manage_members(request.user, organization))
    return organization


def _needs_verification(request):
    """The page shown instead of a form that only verified people may use."""
    return render(request, "portal/verify_first.html", {"next": request.get_full_path()})


def organization_list(request):
    """The person's organizations and their open requests to join others."""
    user = request.user
    return render(
        request,
        "portal/organizations/list.html",
        {
            "organizations": Organization.objects.filter(memberships__user=user).select_related(
                "district"
            ),
            "requests": user.membership_requests.filter(
                status=MembershipRequestStatus.PENDING
            ).select_related("organization"),
            "next": safe_next(request, fallback=""),
        },
    )


@require_http_methods(["GET", "POST"])
def organization_new(request):
    """Register an organization; its creator becomes its first member."""
    if not can_apply(request.user):
        return _needs_verification(request)
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = organization_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{organization} is registered and you are its first member. Invite your "
                "colleagues below.",
            )
            return redirect(safe_next(request, fallback=organization_url(organization)))
    return render(
        request,
        "portal/organizations/form.html",
        {"form": form, "next": safe_next(request, fallback="")},
    )


def organization_join(request):
    """Find a registered organization and ask its members to let you in."""
    if not can_apply(request.user):
        return _needs_verification(request)
    form = OrganizationSearchForm(request.GET or None)
    results = []
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if query:
        user = request.user
        results = (
            Organization.objects.filter(legal_name__icontains=query)
            .annotate(
                is_member=Exists(
                    OrganizationMembership.objects.filter(organization=OuterRef("pk"), user=user)
                ),
                has_pending=Exists(
                    MembershipRequest.objects.filter(
                        organization=OuterRef("pk"),
                        user=user,
                        status=MembershipRequestStatus.PENDING,
                    )
                ),
            )
            .order_by("legal_name")[:25]
        )
    return render(
        request,
        "portal/organizations/join.html",
        {"form": form, "query": query, "results": results, "request_form": MembershipRequestForm()},
    )


@require_POST
def membership_request_new(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    form = MembershipRequestForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: membership_request_create(
                organization=organization, user=request.user, message=form.cleaned_data["message"]
            ),
            f"We asked the members of {organization} to let you in. You will get an email "
            "when one of them answers.",
        )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("organization_list")


@require_POST
def membership_request_withdraw(request, pk):
    membership_request = get_object_or_404(MembershipRequest, pk=pk, user=request.user)
    attempt(
        request,
        lambda: membership_request_cancel(request=membership_request, actor=request.user),
        f"Your request to join {membership_request.organization} is cancelled.",
    )
    return redirect("organization_list")


def organization_detail(request, slug):
    """For members: the profile, the members, open invitations and requests to join."""
    organization = _member_organization(request, slug)
    return _detail(request, organization, InviteForm())


def _detail(request, organization, invite_form, status=200):
    return render(
        request,
        "portal/organizations/detail.html",
        {
            "organization": organization,
            "memberships": organization.memberships.select_related("user", "invited_by"),
            "invitations": [
                invitation
                for invitation in organization.invitations.filter(
                    kind=InvitationKind.ORGANIZATION_MEMBER,
                    accepted_at__isnull=True,
                    revoked_at__isnull=True,
                ).select_related("invited_by")
                if invitation.is_usable
            ],
            "requests": organization.membership_requests.filter(
                status=MembershipRequestStatus.PENDING
            ).select_related("user"),
            "invite_form": invite_form,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def organization_edit(request, slug):
    organization = _member_organization(request, slug)
    initial = {name: getattr(organization, name) for name in PROFILE_FIELDS}
    form = OrganizationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            organization_update(organization=organization, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The organization's profile is saved.")
            return redirect(safe_next(request, fallback=organization_url(organization)))
    return render(
        request,
        "portal/organizations/form.html",
        {"form": form, "organization": organization, "next": safe_next(request, fallback="")},
    )


@require_POST
def organization_invite(request, slug):
    """Invite a colleague by email; the link lets them join (and set a password if new)."""
    organization = _member_organization(request, slug)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation_create(
                kind=InvitationKind.ORGANIZATION_MEMBER,
                email=form.cleaned_data["email"],
                organization=organization,
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"We emailed an invitation to {form.cleaned_data['email']}.")
            return redirect(organization_url(organization))
    return _detail(request, organization, form, status=400)


@require_POST
def organization_invitation_revoke(request, slug, pk):
    organization = _member_organization(request, slug)
    invitation = get_object_or_404(
        Invitation, pk=pk, organization=organization, kind=InvitationKind.ORGANIZATION_MEMBER
    )
    attempt(
        request,
        lambda: invitation_revoke(invitation=invitation, actor=request.user),
        f"The invitation to {invitation.email} is withdrawn.",
    )
    return redirect(organization_url(organization))


@require_POST
def membership_request_answer(request, slug, pk, answer):
    if answer not in ANSWERS:
        raise Http404("Approve or decline.")
    organization = _member_organization(request, slug)
    membership_request = get_object_or_404(
        MembershipRequest.objects.select_related("user", "organization"),
        pk=pk,
        organization=organization,
    )
    require(can_answer_membership_request(request.user, membership_request))
    person = membership_request.user.get_full_name() or membership_request.user.email
    attempt(
        request,
        lambda: ANSWERS[answer](request=membership_request, actor=request.user),
        f"{person} is now a member of {organization}."
        if answer == "approve"
        else f"You declined {person}'s request to join.",
    )
    return redirect(organization_url(organization))
