"""Who holds which role. One user may hold several.

Staff roles are Django groups (managed in the Wagtail admin, Settings > Groups); the
applicant and coordinator roles follow from memberships of an organization or a site.
"""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant (organization member)")
    REVIEWER = "reviewer", _("Reviewer")
    PROGRAM_STAFF = "program_staff", _("Program staff")
    FINANCE = "finance", _("Finance")
    SITE_COORDINATOR = "site_coordinator", _("Site coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")


# The group that carries each staff-managed role.
ROLE_GROUPS = {
    Role.PROGRAM_STAFF: "Program staff",
    Role.FINANCE: "Finance",
    Role.REVIEWER: "Reviewers",
}


def _group_names(user) -> frozenset[str]:
    cached = getattr(user, "_pilot_group_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._pilot_group_names = cached
    return cached


def has_role(user, role: Role) -> bool:
    """Whether ``user`` holds ``role``. Administrators hold every staff role."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if role == Role.ADMINISTRATOR:
        return user.is_superuser
    if role == Role.APPLICANT:
        return user.organization_memberships.exists()
    if role == Role.SITE_COORDINATOR:
        return user.site_coordinations.exists()
    if user.is_superuser and role in (Role.PROGRAM_STAFF, Role.FINANCE):
        return True
    return ROLE_GROUPS[role] in _group_names(user)


def is_program_staff(user) -> bool:
    return has_role(user, Role.PROGRAM_STAFF)


def is_finance(user) -> bool:
    return has_role(user, Role.FINANCE)


def is_reviewer(user) -> bool:
    return has_role(user, Role.REVIEWER)


def requires_two_factor(user) -> bool:
    """Staff, finance and administrators sign in with a second factor (TOTP)."""
    return user.is_superuser or has_role(user, Role.PROGRAM_STAFF) or has_role(user, Role.FINANCE)


def roles_of(user) -> list[Role]:
    return [role for role in Role if has_role(user, role)]


def role_group(role: Role) -> Group:
    return Group.objects.get(name=ROLE_GROUPS[role])
