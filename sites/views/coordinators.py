"""A site's coordinators: coordinators of the site (and program staff) see who
coordinates it and invite a colleague. Coordinators join only through these single-use,
seven-day invitations (or staff's, from the admin)."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from grants.forms.organizations import InviteForm
from grants.models import Invitation, InvitationKind
from grants.permissions import require
from grants.services.invitations import invitation_create, invitation_revoke
from grants.views.feedback import attempt
from sites.models import GrantSite
from sites.permissions import can_manage_site_coordinators


def _site(request, slug) -> GrantSite:
    site = get_object_or_404(GrantSite.objects.select_related("program", "organization"), slug=slug)
    require(can_manage_site_coordinators(request.user, site))
    return site


@require_http_methods(["GET", "POST"])
def site_coordinators(request, slug):
    """The site's coordinators and open invitations; POST invites a colleague."""
    site = _site(request, slug)
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            ok = attempt(
                request,
                lambda: invitation_create(
                    kind=InvitationKind.SITE_COORDINATOR,
                    email=form.cleaned_data["email"],
                    site=site,
                    actor=request.user,
                ),
                f"We emailed an invitation to {form.cleaned_data['email']}.",
            )
            if ok:
                return redirect(reverse("site_coordinators", args=[site.slug]))
        status = 400
    invitations = [
        invitation
        for invitation in site.invitations.filter(
            kind=InvitationKind.SITE_COORDINATOR,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).select_related("invited_by")
        if invitation.is_usable
    ]
    return render(
        request,
        "sites/coordinators/list.html",
        {
            "site": site,
            "links": site.coordinator_links.select_related("user", "added_by"),
            "invitations": invitations,
            "invite_form": form,
        },
        status=status,
    )


@require_POST
def site_coordinator_invitation_revoke(request, slug, pk):
    site = _site(request, slug)
    invitation = get_object_or_404(
        Invitation, pk=pk, site=site, kind=InvitationKind.SITE_COORDINATOR
    )
    attempt(
        request,
        lambda: invitation_revoke(invitation=invitation, actor=request.user),
        f"The invitation to {invitation.email} is withdrawn.",
    )
    return redirect(reverse("site_coordinators", args=[site.slug]))
