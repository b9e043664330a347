"""Staff see every site's participants, attempts and uploads in the Wagtail admin, read
only, with formula-safe exports."""

import csv
import io

import pytest

from tests.auth import login
from tests.sites.imports import attempts_csv, import_now, other_site, roster_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sites(site, coordinator, staff):
    import_now(
        site, "roster", roster_csv("=Ann,Lee,ann@example.org,teacher,Bellevue,,"), coordinator
    )
    import_now(
        site, "attempts", attempts_csv("ann@example.org,ECS,1,2026-10-01,earned"), coordinator
    )
    second, second_coordinator = other_site(staff)
    import_now(
        second,
        "roster",
        roster_csv("Zed,Zo,zed@example.org,teacher,Bellevue,,"),
        second_coordinator,
    )
    return site, second


@pytest.mark.parametrize("name", ["participant", "attempt", "importbatch", "grantsite"])
def test_staff_list_every_site_without_n_plus_one(
    client, staff, two_sites, name, django_assert_max_num_queries
):
    login(client, staff)
    with django_assert_max_num_queries(40):
        response = client.get(f"/admin/{name}/")
    assert response.status_code == 200


def test_staff_export_participants_of_every_site_formula_safe(client, staff, two_sites):
    login(client, staff)
    response = client.get("/admin/participant/?export=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    emails = {row[3] for row in rows[1:]}
    assert emails == {"ann@example.org", "zed@example.org"}
    ann = next(row for row in rows if row[3] == "ann@example.org")
    assert ann[1] == "'=Ann"


def test_rosters_cannot_be_edited_in_the_admin(client, staff, two_sites):
    from sites.models import Participant

    login(client, staff)
    participant = Participant.objects.first()
    assert client.get(f"/admin/participant/edit/{participant.pk}/").status_code == 404
    assert client.get("/admin/attempt/new/").status_code == 404
    assert client.get(f"/admin/participant/inspect/{participant.pk}/").status_code == 200


def test_coordinators_cannot_reach_the_admin_lists(client, coordinator, two_sites):
    login(client, coordinator)
    response = client.get("/admin/participant/")
    assert response.status_code in (302, 403)
