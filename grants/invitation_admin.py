"""Staff invite reviewers and site coordinators from the Wagtail admin (Invitations):
the only way either joins. Each invitation is a single-use emailed link that expires after
seven days; staff see who was invited, by whom, whether it was used, and revoke unused
ones. Creating and revoking go through grants.services.invitations (audited)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from .models import Invitation, InvitationKind
from .roles import is_program_staff
from .services.invitations import invitation_create, invitation_revoke

STAFF_INVITATION_KINDS = [
    (InvitationKind.REVIEWER.value, InvitationKind.REVIEWER.label),
    (InvitationKind.SITE_COORDINATOR.value, InvitationKind.SITE_COORDINATOR.label),
]


class InvitationPermissionPolicy(ModelPermissionPolicy):
    """Program staff (and administrators) invite; nobody edits or deletes an invitation."""

    def user_has_permission(self, user, action):
        return action in ("add", "view") and is_program_staff(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class StaffInvitationForm(WagtailAdminModelForm):
    kind = forms.ChoiceField(label=_("Invite as"), choices=STAFF_INVITATION_KINDS)

    class Meta:
        model = Invitation
        fields = ["kind", "email", "site"]

    def clean(self):
        cleaned = super().clean()
        kind, site = cleaned.get("kind"), cleaned.get("site")
        if kind == InvitationKind.SITE_COORDINATOR and site is None:
            self.add_error("site", _("Choose the site this person will coordinate."))
        if kind == InvitationKind.REVIEWER:
            cleaned["site"] = None
        return cleaned

    def _post_clean(self):
        # The service builds and validates the invitation (token, expiry, duplicates).
        pass


class InvitationCreateView(CreateView):
    def form_valid(self, form):
        try:
            invitation, _token = invitation_create(
                kind=form.cleaned_data["kind"],
                email=form.cleaned_data["email"],
                site=form.cleaned_data.get("site"),
                actor=self.request.user,
            )
        except ValidationError as error:
            for field, errors in (
                error.message_dict.items()
                if hasattr(error, "error_dict")
                else [(None, error.messages)]
            ):
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
            return self.form_invalid(form)
        self.object = invitation
        messages.success(
            self.request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
        )
        return redirect(reverse("invitations:index"))


class InvitationIndexView(IndexView):
    def get_base_queryset(self):
        return Invitation.objects.select_related("site", "organization", "invited_by")


@require_POST
def invitation_revoke_view(request, pk):
    if not is_program_staff(request.user):
        raise PermissionDenied
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        invitation_revoke(invitation=invitation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Invitation withdrawn: its link no longer works."))
    return redirect(reverse("invitations:index"))


def _state(invitation) -> str:
    if invitation.accepted_at:
        return _("Accepted")
    if invitation.revoked_at:
        return _("Revoked")
    return _("Open") if invitation.is_usable else _("Expired")


class RevokeColumn(Column):
    """A POST button that withdraws an unused invitation."""

    cell_template_name = "grants/admin/invitation_revoke_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["revocable"] = instance.accepted_at is None and instance.revoked_at is None
        context["revoke_url"] = reverse("invitations:revoke", args=[instance.pk])
        context["csrf_token"] = parent_context.get("csrf_token")
        return context


class InvitationViewSet(ModelViewSet):
    model = Invitation
    name = "invitations"
    add_to_reference_index = False
    icon = "mail"
    menu_label = _("Invitations")
    menu_order = 800
    add_to_admin_menu = True
    index_view_class = InvitationIndexView
    add_view_class = InvitationCreateView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_filter = ["kind"]
    search_fields = ["email"]
    list_display = [
        Column("email", label=_("Email")),
        Column("kind", label=_("Kind"), accessor="get_kind_display"),
        Column("target", label=_("For"), accessor="target_label"),
        Column("invited_by", label=_("Invited by")),
        Column("expires_at", label=_("Expires"), sort_key="expires_at"),
        Column("state", label=_("State"), accessor=_state),
        RevokeColumn("revoke", label=_("Revoke")),
    ]

    def get_form_class(self, for_update=False):
        return StaffInvitationForm

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.add_view, name="add"),
            path("<int:pk>/revoke/", invitation_revoke_view, name="revoke"),
        ]
