from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from grants.models import AuditEntry, InvitationKind
from grants.services.invitations import invitation_accept, invitation_create
from tests import factories
from tests.auth import current_code, login, totp_device

pytestmark = pytest.mark.django_db


def test_staff_must_pass_the_second_factor_before_anything(client, staff):
    client.force_login(staff)
    for url in ("/admin/", reverse("portal_home")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor_verify"))


def test_staff_without_a_device_is_sent_to_enrol(client, staff):
    client.force_login(staff)
    response = client.get(reverse("two_factor_verify"))
    assert response["Location"].startswith(reverse("two_factor_setup"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"data:image/svg+xml;base64," in page.content


def test_enrolment_confirms_the_device_with_a_code(client, staff):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(staff)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    code = f"{totp(device.bin_key):06d}"
    response = client.post(reverse("two_factor_setup"), {"token": code, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(action="auth.two_factor_enrolled", actor=staff).exists()


def test_a_wrong_enrolment_code_is_refused(client, staff):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(staff)
    client.get(reverse("two_factor_setup"))
    bad = client.post(reverse("two_factor_setup"), {"token": "000000"})
    assert bad.status_code == 200 and "not right" in bad.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get("/admin/").status_code == 302


def test_wrong_codes_are_refused_then_throttled(client, finance):
    totp_device(finance)
    client.force_login(finance)
    response = client.post(reverse("two_factor_verify"), {"token": "123456"})
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    # Straight after a failure even the right code must wait: guessing is slowed down.
    response = client.post(reverse("two_factor_verify"), {"token": current_code(finance)})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_the_right_code_admits(client, finance):
    totp_device(finance)
    client.force_login(finance)
    response = client.post(
        reverse("two_factor_verify"), {"token": current_code(finance), "next": "/admin/"}
    )
    assert response["Location"] == "/admin/"


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_second_factor_never_redirects_off_site(client, staff, target):
    totp_device(staff)
    client.force_login(staff)
    response = client.post(
        reverse("two_factor_verify"), {"token": current_code(staff), "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal_home")


def test_applicants_do_not_need_a_second_factor(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("portal_home")).status_code == 200


def test_login_helper_admits_staff_to_the_admin(client, staff):
    login(client, staff)
    assert client.get("/admin/").status_code == 200


def test_repeated_failures_lock_the_account(client, applicant):
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"username": applicant.email, "password": "wrong-password"})
    response = client.post(url, {"username": applicant.email, "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()


def test_correct_password_signs_in_and_is_audited(client, applicant):
    response = client.post(
        reverse("account_login"),
        {"username": applicant.email.upper(), "password": factories.PASSWORD},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="auth.login", actor=applicant).exists()


def test_invitation_creates_account_and_membership_once(client, organization, applicant):
    invitation, token = invitation_create(
        kind=InvitationKind.ORGANIZATION_MEMBER,
        email="New.Member@Example.org",
        organization=organization,
        actor=applicant,
    )
    url = reverse("invitation_accept", args=[token])
    response = client.get(url)
    assert response.status_code == 200 and b"Create your account" in response.content
    short = client.post(
        url, {"first_name": "Nia", "last_name": "New", "password1": "short", "password2": "short"}
    )
    assert (
        short.status_code == 200
        and not organization.memberships.filter(user__email="new.member@example.org").exists()
    )
    response = client.post(
        url,
        {
            "first_name": "Nia",
            "last_name": "New",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
    )
    assert response.status_code == 302
    assert organization.memberships.filter(user__email="new.member@example.org").exists()
    # The link works once.
    client.logout()
    assert client.get(url).status_code == 410


def test_invitation_email_carries_the_link(
    organization, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _, token = invitation_create(
            kind=InvitationKind.ORGANIZATION_MEMBER,
            email="colleague@example.org",
            organization=organization,
            actor=applicant,
        )
    assert len(mail.outbox) == 1
    assert reverse("invitation_accept", args=[token]) in mail.outbox[0].body


def test_expired_invitation_is_refused(organization, applicant, unchanged):
    invitation, token = invitation_create(
        kind=InvitationKind.ORGANIZATION_MEMBER,
        email="late@example.org",
        organization=organization,
        actor=applicant,
    )
    invitation.expires_at = timezone.now() - timedelta(seconds=1)
    invitation.save()
    user = factories.UserFactory(email="late@example.org")
    with unchanged(), pytest.raises(ValidationError, match="expired"):
        invitation_accept(token=token, user=user)


def test_invitation_for_someone_else_is_refused(organization, applicant, unchanged):
    _, token = invitation_create(
        kind=InvitationKind.ORGANIZATION_MEMBER,
        email="intended@example.org",
        organization=organization,
        actor=applicant,
    )
    with unchanged(), pytest.raises(ValidationError, match="is for intended@example.org"):
        invitation_accept(token=token, user=applicant)


def test_unknown_invitation_token_is_404(client, db):
    assert client.get(reverse("invitation_accept", args=["nope"])).status_code == 404


def test_coordinator_invitation_adds_the_coordinator(site, staff):
    _, token = invitation_create(
        kind=InvitationKind.SITE_COORDINATOR, email="coord@example.org", site=site, actor=staff
    )
    user = factories.UserFactory(email="coord@example.org")
    invitation_accept(token=token, user=user)
    assert site.coordinator_links.filter(user=user).exists()


def test_every_page_carries_a_strict_content_security_policy(client, db):
    for url in ("/", reverse("account_login"), reverse("site_list")):
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
        assert "frame-ancestors 'none'" in policy
