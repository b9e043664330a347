import pytest
from django.urls import reverse

from sites.services.sites import participant_add
from tests import factories

pytestmark = pytest.mark.django_db


def test_public_pages_render_without_login(client, site, rfp):
    from cms.services import convening_page_create

    convening_page_create(
        program=site.program,
        title="Convening",
        slug="convening",
        event_date=site.program.ends_on,
        place="Tacoma",
        intro="",
        actor=None,
    )
    for url in (
        "/",
        "/rfps/",
        rfp.url,
        "/convening/",
        reverse("site_list"),
        reverse("site_detail", args=[site.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url


def test_rfp_page_states_its_window_in_pacific_time(client, program):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    pacific = ZoneInfo("America/Los_Angeles")
    closed = factories.make_rfp(
        program=program,
        opens_at=datetime(2018, 6, 1, 9, tzinfo=pacific),
        closes_at=datetime(2018, 7, 13, 17, tzinfo=pacific),
        slug="old",
    )
    body = client.get(closed.url).content.decode()
    assert "July 13, 2018, 5:00 PM Pacific time" in body
    assert "no longer accepted" in body


def test_rfp_index_sorts_open_upcoming_and_closed(client, program, closed_rfp, rfp):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    factories.make_rfp(
        program=program,
        opens_at=now + timedelta(days=3),
        closes_at=now + timedelta(days=30),
        slug="soon",
    )
    response = client.get("/rfps/")
    assert [p.slug for p in response.context["open_rfps"]] == [rfp.slug]
    assert [p.slug for p in response.context["upcoming_rfps"]] == ["soon"]
    assert [p.slug for p in response.context["closed_rfps"]] == [closed_rfp.slug]


def test_site_list_query_count_does_not_grow_with_sites(
    client, django_assert_max_num_queries, staff
):
    from grants.services.decisions import award_create
    from sites.services.sites import site_create_from_award

    rfp = factories.make_rfp(program=factories.ProgramFactory(budget=10**6))

    def add_site(n):
        organization = factories.OrganizationFactory()
        member = factories.add_member(organization)
        from grants.services.applications import application_submit

        application = application_submit(
            application=factories.make_application(rfp=rfp, organization=organization),
            actor=member,
        )
        application.partner_districts.set([factories.district("Selah School District")])
        site = site_create_from_award(
            award=award_create(application=application, actor=staff, reason="Fund."), actor=staff
        )
        participant_add(
            site=site,
            first_name="A",
            last_name="B",
            email=f"a{n}@example.org",
            role="teacher",
            district=factories.district("Selah School District"),
            actor=staff,
        )

    add_site(0)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("site_list"))
    for n in range(1, 6):
        add_site(n)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("site_list"))
    assert len(response.context["sites"]) == 6


def test_site_detail_shows_no_personal_data(client, participant):
    body = client.get(reverse("site_detail", args=[participant.site.slug])).content.decode()
    assert participant.email not in body and participant.email.lower() not in body
    assert participant.last_name not in body


def test_unknown_site_is_404(client, db):
    assert client.get(reverse("site_detail", args=["nope"])).status_code == 404


def test_portal_requires_login(client, db):
    response = client.get(reverse("portal_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_portal_lists_only_my_organizations_applications(client, submitted, applicant):
    other = factories.make_application(rfp=submitted.rfp)
    client.force_login(applicant)
    response = client.get(reverse("portal_home"))
    assert list(response.context["applications"]) == [submitted]
    assert other.organization.legal_name not in response.content.decode()
