from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from grants.models import AuditEntry, OutboundEmail, User
from grants.services.registration import (
    account_register,
    email_verification_send,
    email_verify,
    verification_token,
)
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase-42"


def register(client, email="Nia.New@Example.org", **overrides):
    data = {
        "first_name": "Nia",
        "last_name": "Newcomer",
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post(reverse("account_register"), data)


def link_in(message) -> str:
    return next(line for line in message.body.splitlines() if "/verify-email/" in line)


def test_registration_creates_an_unverified_account_and_emails_a_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_register_sent")
    user = User.objects.get(email="nia.new@example.org")
    assert user.email_verified_at is None
    assert user.check_password(PASSWORD)
    assert [m.to for m in mail.outbox] == [["nia.new@example.org"]]
    assert "/accounts/verify-email/" in link_in(mail.outbox[0])


def test_registration_refuses_a_weak_password_and_keeps_what_was_typed(client, unchanged):
    with unchanged():
        response = register(client, password1="password", password2="password")
    assert response.status_code == 200
    body = response.content.decode()
    assert "This password is too common" in body
    assert 'value="nia.new@example.org"' in body or 'value="Nia.New@Example.org"' in body
    assert 'value="Newcomer"' in body


def test_registering_a_known_address_reveals_nothing_and_tells_the_owner(
    client, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, email=applicant.email.upper())
    assert response["Location"] == reverse("account_register_sent")
    assert User.objects.filter(email__iexact=applicant.email).count() == 1
    assert [m.subject for m in mail.outbox] == ["You already have a Pilot Grants account"]
    applicant.refresh_from_db()
    assert applicant.check_password(factories.PASSWORD), "the password is untouched"


def test_the_link_verifies_the_address_once(client):
    user = account_register(
        email="nia@example.org", first_name="Nia", last_name="New", password=PASSWORD
    )
    response = client.get(reverse("email_verify", args=[verification_token(user)]))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert AuditEntry.objects.filter(action="user.email_verified", actor=user).count() == 1
    # Following it again is harmless and records nothing new.
    client.get(reverse("email_verify", args=[verification_token(user)]))
    assert AuditEntry.objects.filter(action="user.email_verified").count() == 1


def test_an_expired_link_is_refused(client, settings, unchanged):
    user = account_register(
        email="nia@example.org", first_name="Nia", last_name="New", password=PASSWORD
    )
    token = verification_token(user)
    later = timezone.now() + timedelta(seconds=settings.EMAIL_VERIFICATION_MAX_AGE + 1)
    with time_machine.travel(later, tick=False), unchanged():
        response = client.get(reverse("email_verify", args=[token]))
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None


@pytest.mark.parametrize("tamper", ["signature", "address-changed"])
def test_a_tampered_or_stale_link_is_refused(client, tamper, unchanged):
    user = account_register(
        email="nia@example.org", first_name="Nia", last_name="New", password=PASSWORD
    )
    token = verification_token(user)
    if tamper == "signature":
        token = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    else:
        # A link proves the address it was sent to, not whatever the account holds now.
        User.objects.filter(pk=user.pk).update(email="changed@example.org")
    with unchanged(), pytest.raises(ValidationError, match="not valid"):
        email_verify(token=token)
    assert client.get(reverse("email_verify", args=[token])).status_code == 400


def test_resending_is_limited_to_one_email_every_two_minutes(client):
    user = factories.UserFactory(email_verified_at=None)
    assert email_verification_send(user=user) is True
    assert email_verification_send(user=user) is False
    assert OutboundEmail.objects.filter(to=user.email).count() == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=False):
        assert email_verification_send(user=user) is True
    assert OutboundEmail.objects.filter(to=user.email).count() == 2


def test_resend_view_sends_a_fresh_link(client, django_capture_on_commit_callbacks):
    user = factories.UserFactory(email_verified_at=None)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("email_verification_resend"), follow=True)
    assert "We sent a new confirmation link" in response.content.decode()
    assert len(mail.outbox) == 1


def test_unverified_people_see_the_banner_and_cannot_register_an_organization(client, unchanged):
    user = factories.UserFactory(email_verified_at=None)
    client.force_login(user)
    assert "Confirm your email address" in client.get(reverse("portal_home")).content.decode()
    with unchanged():
        response = client.post(
            reverse("organization_new"), {"legal_name": "Unverified Org", "org_type": "community"}
        )
    assert "Confirm your email address first" in response.content.decode()
