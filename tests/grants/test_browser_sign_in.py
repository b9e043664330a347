import pytest

from tests import factories
from tests.auth import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_staff_sign_in_with_a_second_factor_reaches_the_admin(page):
    staff = factories.UserFactory(email="staff.browser@example.org", roles=["program_staff"])
    sign_in(page, staff, next_path="/admin/")
    page.wait_for_url("**/admin/")
    assert page.get_by_role("heading", name="Pilot Grants").first.is_visible()


def test_applicant_sign_in_lands_on_the_portal(page):
    organization = factories.OrganizationFactory()
    applicant = factories.add_member(organization, factories.UserFactory(email="a.b@example.org"))
    sign_in(page, applicant)
    page.wait_for_url("**/portal/")
    assert page.get_by_role("heading", name=f"Welcome, {applicant.first_name}").is_visible()
