"""Convening registration with capacity and waitlist, the facilitators' input and its
staff export."""

from io import BytesIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from cms.convening.services import (
    convening_sessions_set,
    registration_cancel,
    registration_create,
    session_input_save,
)
from cms.models import ConveningRegistration, RegistrationStatus, SessionInput
from tests import factories
from tests.auth import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def convening(make_convening):
    return make_convening(capacity=2)


def people(n):
    return [factories.UserFactory() for _ in range(n)]


def test_capacity_then_waitlist_in_order(convening):
    a, b, c, d = people(4)
    assert registration_create(page=convening, user=a).status == RegistrationStatus.REGISTERED
    assert registration_create(page=convening, user=b).status == RegistrationStatus.REGISTERED
    assert registration_create(page=convening, user=c).status == RegistrationStatus.WAITLISTED
    assert registration_create(page=convening, user=d).status == RegistrationStatus.WAITLISTED
    assert ConveningRegistration.objects.filter(status=RegistrationStatus.REGISTERED).count() == 2


def test_cancelling_promotes_the_first_waiting_once(convening, django_capture_on_commit_callbacks):
    a, b, c, d = people(4)
    for user in (a, b, c, d):
        registration_create(page=convening, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=ConveningRegistration.objects.get(user=a), actor=a)
    statuses = dict(ConveningRegistration.objects.values_list("user", "status"))
    assert statuses[c.pk] == RegistrationStatus.REGISTERED
    assert statuses[d.pk] == RegistrationStatus.WAITLISTED
    # a is told the cancellation, c the place that opened.
    assert [m.to for m in mail.outbox] == [[a.email], [c.email]]


def test_registering_twice_is_refused(convening, unchanged):
    (a,) = people(1)
    registration_create(page=convening, user=a)
    with unchanged(), pytest.raises(ValidationError, match="already registered"):
        registration_create(page=convening, user=a)


def test_closed_registration_is_refused(convening, unchanged):
    convening.registration_open = False
    convening.save()
    (person,) = people(1)
    with unchanged(), pytest.raises(ValidationError, match="closed"):
        registration_create(page=convening, user=person)


def test_register_and_cancel_in_the_browserless_portal(client, convening):
    (a,) = people(1)
    login(client, a)
    response = client.post(
        reverse("convening_register", args=[convening.pk]),
        {"organization": "Selah SD", "role": "Teacher", "structure": "support"},
    )
    assert response.status_code == 302
    body = client.get(convening.url).content.decode()
    assert "You are <strong>registered</strong>" in body
    client.post(reverse("convening_cancel", args=[convening.pk]))
    assert ConveningRegistration.objects.get(user=a).status == RegistrationStatus.CANCELLED
    client.logout()
    assert client.post(reverse("convening_register", args=[convening.pk])).status_code == 302
    assert ConveningRegistration.objects.count() == 1


@pytest.fixture
def sessions(convening, staff):
    facilitator = factories.UserFactory(email="facilitator@example.org")
    registration_create(page=convening, user=facilitator)
    convening_sessions_set(
        page=convening,
        sessions=[
            {
                "structure": "alignment",
                "title": "Standards",
                "prompt": "Align?",
                "facilitator": facilitator,
            },
            {"structure": "platforms", "title": "Platforms", "prompt": "Which?"},
        ],
        actor=staff,
    )
    return facilitator, list(convening.sessions.order_by("sort_order"))


def test_only_the_facilitator_or_staff_record_a_groups_input(client, sessions, staff, unchanged):
    facilitator, (first, second) = sessions
    url = reverse("convening_session_input", args=[first.pk])
    login(client, factories.UserFactory())
    with unchanged():
        assert client.post(url, {"participants": 3, "key_points": "x"}).status_code == 404
    client.logout()
    login(client, facilitator)
    assert client.get(reverse("convening_session_input", args=[second.pk])).status_code == 404
    response = client.post(url, {"participants": 12, "key_points": "", "recommendations": "r"})
    assert response.status_code == 400 and not SessionInput.objects.exists()
    assert 'value="12"' in response.content.decode()
    response = client.post(
        url, {"participants": 12, "key_points": '=HYPERLINK("http://x")', "concerns": "c"}
    )
    assert response.status_code == 302
    assert SessionInput.objects.get(session=first).participants == 12


def test_staff_export_all_input_by_structure_formula_safe(client, sessions, staff):
    from openpyxl import load_workbook

    facilitator, (first, second) = sessions
    session_input_save(session=first, actor=facilitator, key_points='=HYPERLINK("http://x")')
    session_input_save(session=second, actor=staff, key_points="Open standards.")
    url = reverse("convening_input_export", args=[first.page_id])
    login(client, facilitator)
    assert client.get(url).status_code in (302, 404)
    client.logout()
    login(client, staff)
    response = client.get(url)
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames[0] == "All input"
    assert "Alignment to standards" in workbook.sheetnames
    alignment = [row for row in workbook["Alignment to standards"].iter_rows(values_only=True)]
    assert alignment[1][5] == '\'=HYPERLINK("http://x")'
    platforms = [row for row in workbook["Platform providers"].iter_rows(values_only=True)]
    assert platforms[1][5] == "Open standards." and len(platforms) == 2


def test_a_session_needs_a_policy_structure(convening, staff, unchanged):
    with unchanged(), pytest.raises(ValidationError):
        convening_sessions_set(
            page=convening,
            sessions=[{"structure": "vibes", "title": "t", "prompt": "p"}],
            actor=staff,
        )


def test_staff_edit_the_convening_page_with_its_sessions(client, sessions, staff):
    facilitator, (first, _) = sessions
    login(client, staff)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[first.page_id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Small-group sessions" in body and "Standards" in body


def test_coordinators_see_the_site_reports_link(client, coordinator):
    login(client, coordinator)
    assert reverse("site_report_list") in client.get(reverse("portal_home")).content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_registrations_never_exceed_capacity(convening):
    import threading

    from django.db import connection

    users = people(6)
    barrier = threading.Barrier(len(users))
    errors = []

    def register(user):
        try:
            barrier.wait()
            registration_create(page=convening, user=user)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    statuses = list(ConveningRegistration.objects.values_list("status", flat=True))
    assert statuses.count(RegistrationStatus.REGISTERED) == 2
    assert statuses.count(RegistrationStatus.WAITLISTED) == 4
