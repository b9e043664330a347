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


def can_facilitate(user, page) -> Access:
    """Who may lead a small group of the convening ``page``: program staff, or someone
    with a place at it (not waitlisted, not cancelled). ``page`` may be unsaved (a new
    page in the editor), when nobody is registered yet."""
    from cms.models import ConveningRegistration, RegistrationStatus

    if user is None or not user.is_active:
        return deny("This account is not active.")
    if is_program_staff(user):
        return allow("Program staff facilitate any group.")
    registration = (
        ConveningRegistration.objects.filter(page=page, user=user).first()
        if page is not None and page.pk
        else None
    )
    if registration is None:
        return deny(
            "They are not registered for this convening. A facilitator is program staff "
            "or someone registered for the convening."
        )
    if registration.status == RegistrationStatus.WAITLISTED:
        return deny("They are on the waitlist; only someone with a place facilitates a group.")
    if registration.status == RegistrationStatus.CANCELLED:
        return deny("They cancelled their registration; choose another facilitator.")
    return allow("People registered for the convening facilitate a group.")
