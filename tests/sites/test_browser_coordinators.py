import pytest

from grants.models import AuditEntry
from tests import factories
from tests.auth import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _site(name, staff):
    from grants.services.applications import application_submit
    from grants.services.decisions import award_create
    from sites.services.sites import site_create_from_award

    organization = factories.OrganizationFactory(legal_name=f"{name} School District")
    member = factories.add_member(organization)
    rfp = factories.make_rfp(slug=f"rfp-{name.lower()}")
    application = application_submit(
        application=factories.make_application(rfp=rfp, organization=organization), actor=member
    )
    award = award_create(application=application, actor=staff, reason="Strong.")
    return site_create_from_award(award=award, actor=staff, name=f"{name} pilot site")


def test_a_coordinator_invites_a_colleague_and_cannot_reach_another_site(page):
    from sites.services.sites import coordinator_add

    staff = factories.UserFactory(email="staff.b@example.org", roles=["program_staff"])
    own, other = _site("Selah", staff), _site("Yakima", staff)
    coordinator = factories.UserFactory(email="coord.b@example.org")
    coordinator_add(site=own, user=coordinator, actor=staff)

    sign_in(page, coordinator)
    page.get_by_role("link", name=f"Coordinators of {own.name}").click()
    page.get_by_label("Colleague's email address").fill("co.coordinator@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    # wait_for, not is_visible: the answer to the POST may not have loaded yet.
    page.get_by_text("We emailed an invitation to co.coordinator@example.org").wait_for()
    page.get_by_text("co.coordinator@example.org, expires").wait_for()

    # Editing the address to the other site's finds nothing there.
    response = page.goto(page.url.replace(own.slug, other.slug))
    assert response.status == 404
    assert "co.coordinator" not in page.content()
    assert AuditEntry.objects.filter(action="invitation.created", actor=coordinator).count() == 1


def test_staff_sign_in_with_totp_and_read_the_audit_log(page):
    staff = factories.UserFactory(email="staff.c@example.org", roles=["program_staff"])
    sign_in(page, staff, next_path="/admin/audit/")
    page.wait_for_url("**/admin/audit/")
    page.get_by_role("cell", name="auth.two_factor_verified").first.wait_for()
    page.get_by_role("cell", name="auth.login").first.wait_for()
