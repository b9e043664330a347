"""Object rules for the convening (see grants/permissions.py for Access)."""

from grants.permissions import Access, allow, deny
from grants.roles import is_program_staff


def can_manage_convening(user) -> Access:
    if is_program_staff(user):
        return allow("Program staff see live figures, publish them and build the packet.")
    return deny("Only program staff manage the convening.")


def can_register(user, page) -> Access:
    if not user.is_authenticated:
        return deny("Sign in to register for the convening.")
    if not page.live:
        return deny("The convening page is not published.")
    return allow("Anyone signed in registers for a published convening.")


def can_record_input(user, session) -> Access:
    if user.is_authenticated and session.facilitator_id == user.pk:
        return allow("The group's facilitator records its input.")
    if is_program_staff(user):
        return allow("Program staff record input for any group.")
    return deny("Only the group's facilitator and program staff record its input.")
