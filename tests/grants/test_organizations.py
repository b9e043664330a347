import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.models import (
    AuditEntry,
    InvitationKind,
    MembershipRequest,
    MembershipRequestStatus,
    Organization,
    OrganizationType,
)
from grants.services.applications import application_submit
from grants.services.invitations import invitation_create
from grants.services.organizations import (
    membership_request_approve,
    membership_request_cancel,
    membership_request_create,
    membership_request_decline,
    organization_create,
    organization_update,
)
from tests import factories

pytestmark = pytest.mark.django_db


def test_creating_an_organization_makes_the_creator_its_first_member():
    user = factories.UserFactory()
    org = organization_create(
        legal_name="  Tumwater   School District ",
        org_type=OrganizationType.SCHOOL_DISTRICT,
        district=factories.district("Tumwater School District"),
        city="Tumwater",
        actor=user,
    )
    assert org.legal_name == "Tumwater School District"
    assert list(org.members.all()) == [user]
    assert AuditEntry.objects.filter(action="organization.created", actor=user).exists()


@pytest.mark.parametrize(
    ("org_type", "district_name", "message"),
    [
        (OrganizationType.SCHOOL_DISTRICT, None, "Choose which school district"),
        (
            OrganizationType.SCHOOL_DISTRICT,
            "Capital Region ESD 113",
            "Choose which school district",
        ),
        (OrganizationType.ESD, "Olympia School District", "Choose which educational service"),
    ],
)
def test_a_district_or_esd_must_be_its_directory_entry(org_type, district_name, message, unchanged):
    user = factories.UserFactory()
    district = factories.district(district_name) if district_name else None
    with unchanged(), pytest.raises(ValidationError, match=message):
        organization_create(legal_name="X", org_type=org_type, district=district, actor=user)


def test_an_organization_name_is_registered_once(organization, unchanged):
    user = factories.UserFactory()
    with unchanged(), pytest.raises(ValidationError, match="already registered"):
        organization_create(
            legal_name=organization.legal_name.upper(), org_type="community", actor=user
        )


def test_unverified_people_cannot_register_an_organization(unchanged):
    user = factories.UserFactory(email_verified_at=None)
    with unchanged(), pytest.raises(ValidationError, match="Confirm your email"):
        organization_create(legal_name="New Org", org_type="community", actor=user)


def test_a_reserved_portal_word_never_becomes_a_slug():
    org = organization_create(legal_name="New", org_type="community", actor=factories.UserFactory())
    assert org.slug == "new-2"


def test_profile_edits_are_audited(organization, applicant):
    organization_update(organization=organization, actor=applicant, city="Yakima")
    entry = AuditEntry.objects.get(action="organization.updated")
    assert entry.before == {"city": ""} and entry.after == {"city": "Yakima"}


def test_the_type_is_fixed_once_an_application_is_submitted(draft, applicant, unchanged):
    application_submit(application=draft, actor=applicant)
    with unchanged(), pytest.raises(ValidationError, match="type cannot change"):
        organization_update(
            organization=draft.organization, actor=applicant, org_type=OrganizationType.HIGHER_ED
        )


def test_a_membership_request_is_approved_only_by_a_member(
    organization, applicant, django_capture_on_commit_callbacks, unchanged
):
    asker = factories.UserFactory(email="asker@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        request = membership_request_create(
            organization=organization, user=asker, message="I coordinate the ECS cohort."
        )
    assert [m.to for m in mail.outbox] == [[applicant.email]], "every member is asked"
    assert "I coordinate the ECS cohort." in mail.outbox[0].body

    # Nobody joins on their own say-so, and outsiders cannot let them in.
    outsider = factories.UserFactory()
    for actor in (asker, outsider):
        with unchanged(), pytest.raises(ValidationError, match="Only members"):
            membership_request_approve(request=request, actor=actor)
    assert not organization.memberships.filter(user=asker).exists()

    with django_capture_on_commit_callbacks(execute=True):
        membership_request_approve(request=request, actor=applicant)
    assert organization.memberships.filter(user=asker, invited_by=applicant).exists()
    request.refresh_from_db()
    assert request.status == MembershipRequestStatus.APPROVED
    assert request.decided_by == applicant
    assert mail.outbox[-1].to == [asker.email] and "approved" in mail.outbox[-1].subject

    with unchanged(), pytest.raises(ValidationError, match="already answered"):
        membership_request_decline(request=request, actor=applicant)


def test_declined_and_cancelled_requests_grant_nothing(organization, applicant):
    asker = factories.UserFactory()
    first = membership_request_create(organization=organization, user=asker)
    membership_request_decline(request=first, actor=applicant)
    second = membership_request_create(organization=organization, user=asker)
    membership_request_cancel(request=second, actor=asker)
    assert not organization.memberships.filter(user=asker).exists()
    assert list(MembershipRequest.objects.filter(user=asker).values_list("status", flat=True)) == [
        MembershipRequestStatus.CANCELLED,
        MembershipRequestStatus.DECLINED,
    ]


@pytest.mark.parametrize("case", ["member", "pending", "unverified"])
def test_membership_requests_that_make_no_sense_are_refused(
    organization, applicant, case, unchanged
):
    asker = applicant if case == "member" else factories.UserFactory(email_verified_at=None)
    if case == "pending":
        asker.email_verified_at = applicant.email_verified_at
        asker.save()
        membership_request_create(organization=organization, user=asker)
    message = {"member": "already a member", "pending": "already asked", "unverified": "Confirm"}
    with unchanged(), pytest.raises(ValidationError, match=message[case]):
        membership_request_create(organization=organization, user=asker)


def test_members_answer_requests_and_invite_from_the_portal(
    client, organization, applicant, django_capture_on_commit_callbacks
):
    asker = factories.UserFactory(first_name="Ada", last_name="Asker")
    request = membership_request_create(organization=organization, user=asker)
    client.force_login(applicant)
    page = client.get(reverse("organization_detail", args=[organization.slug]))
    assert "Approve Ada Asker" in page.content.decode()
    client.post(
        reverse("membership_request_answer", args=[organization.slug, request.pk, "approve"])
    )
    assert organization.memberships.filter(user=asker).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organization_invite", args=[organization.slug]),
            {"email": "colleague@example.org"},
        )
    assert response.status_code == 302
    assert organization.invitations.filter(
        email="colleague@example.org", kind=InvitationKind.ORGANIZATION_MEMBER
    ).exists()
    assert mail.outbox[-1].to == ["colleague@example.org"]


def test_inviting_a_bad_address_shows_the_problem(client, organization, applicant, unchanged):
    client.force_login(applicant)
    with unchanged():
        response = client.post(
            reverse("organization_invite", args=[organization.slug]), {"email": applicant.email}
        )
    assert response.status_code == 400
    assert "already a member" in response.content.decode()


def test_members_withdraw_an_invitation(client, organization, applicant):
    invitation, _token = invitation_create(
        kind=InvitationKind.ORGANIZATION_MEMBER,
        email="later@example.org",
        organization=organization,
        actor=applicant,
    )
    client.force_login(applicant)
    client.post(reverse("organization_invitation_revoke", args=[organization.slug, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_organization_pages_are_404_for_everyone_but_members(client, organization, applicant):
    stranger = factories.UserFactory()
    request = membership_request_create(organization=organization, user=factories.UserFactory())
    client.force_login(stranger)
    slug = organization.slug
    for method, url in [
        ("get", reverse("organization_detail", args=[slug])),
        ("get", reverse("organization_edit", args=[slug])),
        ("post", reverse("organization_invite", args=[slug])),
        ("post", reverse("membership_request_answer", args=[slug, request.pk, "approve"])),
    ]:
        assert getattr(client, method)(url).status_code == 404, url
    request.refresh_from_db()
    assert request.status == MembershipRequestStatus.PENDING


def test_registering_in_the_portal_keeps_typed_values_on_error(client, unchanged):
    user = factories.UserFactory()
    client.force_login(user)
    with unchanged():
        response = client.post(
            reverse("organization_new"),
            {
                "legal_name": "Yakima School District",
                "org_type": "school_district",
                "city": "Yakima",
            },
        )
    body = response.content.decode()
    assert "Choose which school district this is." in body
    assert 'value="Yakima School District"' in body and 'value="Yakima"' in body
    response = client.post(
        reverse("organization_new"),
        {
            "legal_name": "Yakima School District",
            "org_type": "school_district",
            "district": factories.district("Yakima School District").pk,
            "city": "Yakima",
            "next": reverse("portal_home"),
        },
    )
    assert response["Location"] == reverse("portal_home")
    assert Organization.objects.get(legal_name="Yakima School District").members.get() == user


def test_join_search_finds_organizations_and_asks_to_join(client, organization, applicant):
    user = factories.UserFactory()
    client.force_login(user)
    found = client.get(reverse("organization_join"), {"q": organization.legal_name[:10]})
    assert organization.legal_name in found.content.decode()
    client.post(reverse("membership_request_new", args=[organization.slug]), {"message": "Hi"})
    assert organization.membership_requests.filter(user=user, status="pending").exists()
    assert not organization.memberships.filter(user=user).exists()
