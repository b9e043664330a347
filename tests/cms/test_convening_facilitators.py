"""Who may facilitate a small group: program staff, or someone with a place at the
convening. The page editor offers only them and refuses anyone else with the reason; the
service that sets sessions in code applies the same rule."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.convening.services import (
    convening_sessions_set,
    registration_cancel,
    registration_create,
)
from cms.models import ConveningPage, ConveningSession
from tests import factories
from tests.auth import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def convening(make_convening):
    return make_convening(capacity=1)


@pytest.fixture
def people(convening):
    """Someone with a place, someone waiting, someone who cancelled, someone unregistered."""
    placed = factories.UserFactory(first_name="Placed", email="placed@example.org")
    waiting = factories.UserFactory(first_name="Waiting", email="waiting@example.org")
    cancelled = factories.UserFactory(first_name="Cancelled", email="cancelled@example.org")
    stranger = factories.UserFactory(first_name="Stranger", email="stranger@example.org")
    registration_create(page=convening, user=placed)
    registration_create(page=convening, user=waiting)
    gone = registration_create(page=convening, user=cancelled)
    registration_cancel(registration=gone, actor=cancelled)
    return {"placed": placed, "waiting": waiting, "cancelled": cancelled, "stranger": stranger}


def session(facilitator):
    return {
        "structure": "alignment",
        "title": "Standards",
        "prompt": "Align?",
        "facilitator": facilitator,
    }


def test_staff_and_people_with_a_place_facilitate(convening, people, staff):
    convening_sessions_set(
        page=convening,
        sessions=[session(staff), {**session(people["placed"]), "structure": "platforms"}],
        actor=staff,
    )
    assert list(
        ConveningSession.objects.filter(page=convening)
        .order_by("sort_order")
        .values_list("facilitator__email", flat=True)
    ) == [staff.email, "placed@example.org"]


@pytest.mark.parametrize(
    ("who", "reason"),
    [
        ("waiting", "on the waitlist"),
        ("cancelled", "cancelled their registration"),
        ("stranger", "not registered for this convening"),
    ],
)
def test_anyone_else_is_refused_by_the_service(convening, people, staff, unchanged, who, reason):
    with unchanged(), pytest.raises(ValidationError, match=reason):
        convening_sessions_set(page=convening, sessions=[session(people[who])], actor=staff)


def test_the_editor_offers_only_eligible_people(client, convening, people, staff):
    login(client, staff)
    body = client.get(reverse("wagtailadmin_pages:edit", args=[convening.pk])).content.decode()
    assert "placed@example.org" in body and staff.email in body
    for who in ("waiting", "cancelled", "stranger"):
        assert f"{who}@example.org" not in body


def editor_data(page, facilitator, *, session_id=None) -> dict:
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "program": page.program_id,
            "event_date": "2027-10-14",
            "place": page.place,
            "capacity": page.capacity,
            "registration_open": "on",
            "intro": rich_text("<p>Come.</p>"),
            "agenda": streamfield([]),
            "resources": streamfield([]),
            "body": streamfield([]),
            "sessions": inline_formset(
                [
                    {
                        **({"id": session_id} if session_id else {}),
                        "structure": "alignment",
                        "title": "Standards",
                        "prompt": "Align?",
                        "room": "",
                        "facilitator": facilitator.pk if facilitator else "",
                    }
                ],
                initial=1 if session_id else 0,
            ),
            "comments": inline_formset([]),
        }
    )


def latest_facilitator(page):
    latest = ConveningPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    return [s.facilitator_id for s in latest.sessions.all()]


def test_the_editor_saves_an_eligible_facilitator(client, convening, people, staff):
    login(client, staff)
    url = reverse("wagtailadmin_pages:edit", args=[convening.pk])
    response = client.post(url, editor_data(convening, people["placed"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert latest_facilitator(convening) == [people["placed"].pk]


@pytest.mark.parametrize(
    ("who", "reason"),
    [
        ("waiting", "on the waitlist"),
        ("stranger", "not registered for this convening"),
    ],
)
def test_the_editor_refuses_anyone_else_with_the_reason(
    client, convening, people, staff, who, reason
):
    login(client, staff)
    url = reverse("wagtailadmin_pages:edit", args=[convening.pk])
    revisions = convening.revisions.count()
    response = client.post(url, editor_data(convening, people[who]))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"{people[who]} cannot facilitate" in body and reason in body
    # No revision was saved. (The re-shown editor itself records an editing session,
    # Wagtail's bookkeeping, so the whole-database "unchanged" check does not apply.)
    assert convening.revisions.count() == revisions
    assert latest_facilitator(convening) == []


def test_a_facilitator_who_cancels_is_flagged_when_the_page_is_next_saved(
    client, convening, people, staff
):
    placed = people["placed"]
    convening_sessions_set(page=convening, sessions=[session(placed)], actor=staff)
    session_id = convening.sessions.get().pk
    registration_cancel(registration=placed.convening_registrations.get(), actor=placed)
    login(client, staff)
    url = reverse("wagtailadmin_pages:edit", args=[convening.pk])
    # Still shown as the current facilitator, so staff see who it was...
    assert "placed@example.org" in client.get(url).content.decode()
    response = client.post(url, editor_data(convening, placed, session_id=session_id))
    assert response.status_code == 200
    assert "cancelled their registration" in response.content.decode()
    # ...and choosing nobody (or someone eligible) saves.
    data = editor_data(convening, None, session_id=session_id)
    assert client.post(url, data).status_code == 302
    assert latest_facilitator(convening) == [None]
