"""Role membership in the Wagtail admin (Settings > Users), with this project's rules:

- only administrators make or unmake administrators, or edit an administrator's account;
- reviewers and site coordinators join only by invitation (Grants > Invitations), so the
  Reviewers role cannot be ticked on here, only taken away;
- nobody sets another person's password here (they use the reset link or an invitation).

Every change of roles is audited by grants.signals, which sees the signed-in actor."""

from django import forms
from django.contrib.auth.models import Group
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users

from .roles import ROLE_GROUPS, Role

INVITATION_ONLY_GROUPS = (ROLE_GROUPS[Role.REVIEWER],)


class RoleRulesMixin:
    def __init__(self, *args, acting_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.acting_user = acting_user
        if not (acting_user is not None and acting_user.is_superuser):
            self.fields.pop("is_superuser", None)
        if "groups" in self.fields:
            self.fields["groups"].help_text = _(
                "Reviewers and site coordinators join only by invitation "
                "(Grants > Invitations); their role can be removed here."
            )

    def clean_groups(self):
        groups = self.cleaned_data.get("groups") or Group.objects.none()
        current = (
            set(self.instance.groups.values_list("name", flat=True)) if self.instance.pk else set()
        )
        added = {group.name for group in groups} - current
        refused = sorted(added & set(INVITATION_ONLY_GROUPS))
        if refused:
            raise forms.ValidationError(
                _("%(roles)s join only by invitation: send one from Grants > Invitations.")
                % {"roles": ", ".join(refused)}
            )
        return groups


class PilotUserCreationForm(RoleRulesMixin, UserCreationForm):
    pass


class PilotUserEditForm(RoleRulesMixin, UserEditForm):
    pass


class _ActingUserFormMixin:
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["acting_user"] = self.request.user
        return kwargs


class PilotUserCreateView(_ActingUserFormMixin, wagtail_users.CreateView):
    pass


class PilotUserEditView(_ActingUserFormMixin, wagtail_users.EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.object.is_superuser and not request.user.is_superuser:
            # Editing an administrator would let staff take over the account.
            raise Http404("Only administrators edit administrators.")


class PilotUserDeleteView(wagtail_users.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        # People who acted stay in the audit trail: accounts are deactivated, not deleted.
        raise Http404("Deactivate accounts instead of deleting them.")


class PilotUserViewSet(wagtail_users.UserViewSet):
    add_view_class = PilotUserCreateView
    edit_view_class = PilotUserEditView
    delete_view_class = PilotUserDeleteView

    def get_form_class(self, for_update=False):
        return PilotUserEditForm if for_update else PilotUserCreationForm
