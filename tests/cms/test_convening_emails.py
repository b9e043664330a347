"""The convening's emails: a confirmation on registering (a place, or the waitlist and
its position), on promotion from the waitlist and on cancelling; each sent once."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from cms.convening.notifications import notify_registration_received
from cms.convening.services import (
    registration_cancel,
    registration_create,
    registration_promote_waiting,
)
from cms.models import ConveningRegistration
from grants.models import OutboundEmail
from grants.tasks import email_send
from tests import factories
from tests.auth import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def convening(make_convening):
    return make_convening(capacity=1)


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the block's after-commit work (django-q2 runs tasks in sync mode in tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_registering_confirms_a_place_or_the_waitlist_position(convening, sent):
    first, second, third = (factories.UserFactory() for _ in range(3))
    with sent():
        for person in (first, second, third):
            registration_create(page=convening, user=person)
    assert [m.to for m in mail.outbox] == [[first.email], [second.email], [third.email]]
    placed, waiting, behind = mail.outbox
    assert placed.subject == "You are registered for Policy convening"
    assert "You are registered for Policy convening on October 14, 2027 in Tacoma" in placed.body
    assert waiting.subject == "You are on the waitlist for Policy convening (number 1)"
    assert "waitlist: number 1." in waiting.body
    assert behind.subject.endswith("(number 2)") and "waitlist: number 2." in behind.body
    assert convening.url in placed.body


def test_promotion_emails_you_have_a_place_once(convening, sent):
    first, second = factories.UserFactory(), factories.UserFactory()
    registration_create(page=convening, user=first)
    registration_create(page=convening, user=second)
    with sent():
        registration_cancel(registration=ConveningRegistration.objects.get(user=first), actor=first)
    by_person = {m.to[0]: m for m in mail.outbox}
    assert by_person[first.email].subject == "Your registration for Policy convening is cancelled"
    assert by_person[second.email].subject == "You have a place at Policy convening"
    assert "it is yours: you are now registered" in by_person[second.email].body
    mail.outbox.clear()
    # Filling places again finds nobody waiting: nothing more is sent.
    with sent():
        assert registration_promote_waiting(page=convening, actor=first) == []
    assert mail.outbox == []


def test_leaving_the_waitlist_is_confirmed(convening, sent):
    first, second = factories.UserFactory(), factories.UserFactory()
    registration_create(page=convening, user=first)
    waiting = registration_create(page=convening, user=second)
    with sent():
        registration_cancel(registration=waiting, actor=second)
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert "You have left the waitlist" in mail.outbox[0].body


def test_a_repeated_or_retried_confirmation_is_sent_once(convening, sent):
    person = factories.UserFactory()
    with sent():
        registration = registration_create(page=convening, user=person)
        # The same event notified again (a retried task, a double call) queues nothing.
        notify_registration_received(registration=registration, position=None)
    assert len(mail.outbox) == 1
    email = OutboundEmail.objects.get(to=person.email)
    # A retried send task finds the email already sent and does nothing.
    assert email_send(email.pk) is False
    assert len(mail.outbox) == 1


def test_registering_again_after_cancelling_is_a_new_confirmation(convening, sent):
    person = factories.UserFactory()
    with sent():
        registration = registration_create(page=convening, user=person)
        registration_cancel(registration=registration, actor=person)
        registration_create(page=convening, user=person)
    assert [m.subject for m in mail.outbox] == [
        "You are registered for Policy convening",
        "Your registration for Policy convening is cancelled",
        "You are registered for Policy convening",
    ]


def test_a_refused_registration_sends_nothing(convening, sent, unchanged):
    person = factories.UserFactory()
    registration_create(page=convening, user=person)
    mail.outbox.clear()
    with sent(), unchanged(), pytest.raises(ValidationError, match="already registered"):
        registration_create(page=convening, user=person)
    assert mail.outbox == []


def test_the_portal_registration_sends_the_confirmation(client, convening, sent):
    person = factories.UserFactory()
    login(client, person)
    with sent():
        response = client.post(reverse("convening_register", args=[convening.pk]), {})
    assert response.status_code == 302
    assert [m.subject for m in mail.outbox] == ["You are registered for Policy convening"]
