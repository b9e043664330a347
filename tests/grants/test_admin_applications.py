"""Staff's list of submitted applications in the Wagtail admin."""

import csv
import io

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import load_workbook

from grants.models import Application, ApplicationStatus, AuditEntry, OrganizationType
from grants.services.applications import application_submit
from tests import factories
from tests.auth import login

pytestmark = pytest.mark.django_db

INDEX = "/admin/applications/"


def submit(rfp, *, name, org_type=OrganizationType.COMMUNITY, areas=("ECS",), contact="Casey"):
    organization = factories.OrganizationFactory(legal_name=name, org_type=org_type)
    member = factories.add_member(organization)
    application = factories.make_application(rfp=rfp, organization=organization, areas=areas)
    application.contact_name = contact
    application.save()
    return application_submit(application=application, actor=member)


def listed(response) -> list[str]:
    return [row.organization.legal_name for row in response.context["object_list"]]


def test_staff_list_shows_submitted_applications_with_filters_and_search(
    client, staff, rfp, program
):
    other_rfp = factories.make_rfp(program=program, slug="other-rfp")
    submit(rfp, name="Alpha School District", org_type=OrganizationType.SCHOOL_DISTRICT)
    submit(rfp, name="Beta University", org_type=OrganizationType.HIGHER_ED, areas=("RWT",))
    submit(other_rfp, name="Gamma Alliance", areas=("CR-SEL", "ECS"))
    factories.make_application(rfp=rfp)  # a draft: the applicant's unfinished work
    login(client, staff)

    assert sorted(listed(client.get(INDEX))) == [
        "Alpha School District",
        "Beta University",
        "Gamma Alliance",
    ]
    assert listed(client.get(INDEX, {"rfp": other_rfp.pk})) == ["Gamma Alliance"]
    assert sorted(
        listed(client.get(INDEX, {"content_areas": factories.content_area("ECS").pk}))
    ) == [
        "Alpha School District",
        "Gamma Alliance",
    ]
    assert listed(client.get(INDEX, {"org_type": "higher_ed"})) == ["Beta University"]
    assert listed(client.get(INDEX, {"status": "withdrawn"})) == []
    assert listed(client.get(INDEX, {"q": "beta"})) == ["Beta University"]
    page = client.get(INDEX).content.decode()
    assert "ECS, CR-SEL" in page


def test_the_inspect_page_shows_the_whole_application(client, staff, submitted):
    login(client, staff)
    response = client.get(reverse("applications:inspect", args=[submitted.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert submitted.organization.legal_name in body
    assert "A considered answer." in body
    assert reverse("application_pdf", args=[submitted.public_id]) in body


def test_applications_are_read_only_in_the_admin(client, staff, submitted):
    login(client, staff)
    for name in ("add", "edit", "delete"):
        with pytest.raises(NoReverseMatch):
            reverse(f"applications:{name}", args=[] if name == "add" else [submitted.pk])
    assert client.get(f"{INDEX}edit/{submitted.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["reviewer", "finance", "applicant"])
def test_only_program_staff_see_the_list(client, role, request):
    user = request.getfixturevalue(role)
    login(client, user)
    response = client.get(INDEX)
    assert response.status_code in (302, 403)
    # Nor may they export it, and a refused export records nothing.
    assert client.get(INDEX, {"export": "csv"}).status_code in (302, 403)
    assert not AuditEntry.objects.filter(action="personal_data.exported").exists()


FORMULA = '=HYPERLINK("http://evil.example","click")'


def test_csv_export_escapes_formula_cells(client, staff, rfp):
    submit(rfp, name="+Plus Org", contact=FORMULA)
    login(client, staff)
    response = client.get(INDEX, {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, row = rows[0], rows[1]
    assert row[header.index("Organization")] == "'+Plus Org"
    assert row[header.index("Contact")] == "'" + FORMULA
    assert row[header.index("Budget total")] == "18000.00"
    entry = AuditEntry.objects.get(action="personal_data.exported")
    assert entry.actor == staff
    assert entry.after == {"export": "applications", "rows": 1, "format": "csv"}
    assert entry.note == "export=csv"
    assert not AuditEntry.objects.filter(action="applications.exported").exists()


def test_xlsx_export_escapes_formula_cells_and_keeps_numbers(client, staff, rfp):
    application = submit(rfp, name="@At Org", contact=FORMULA)
    login(client, staff)
    response = client.get(INDEX, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    row = [cell for cell in sheet[2]]
    assert row[header.index("Organization")].value == "'@At Org"
    assert row[header.index("Contact")].value == "'" + FORMULA
    assert row[header.index("Contact")].data_type == "s"
    assert row[header.index("Budget total")].value == 18000
    # Times are Pacific, like everywhere else in the product (Wagtail's default is UTC).
    submitted_local = row[header.index("Submitted (Pacific time)")].value
    expected = timezone.make_naive(application.submitted_at)
    assert abs((submitted_local - expected).total_seconds()) < 1
    entry = AuditEntry.objects.get(action="personal_data.exported")
    assert entry.after == {"export": "applications", "rows": 1, "format": "xlsx"}


def test_wagtails_own_csv_export_would_not_escape(rfp):
    """Why the list overrides the export: Wagtail writes text cells into CSV as they are."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    class Plain(SpreadsheetExportMixin):
        list_export = ["contact_name"]

    application = submit(rfp, name="Org", contact=FORMULA)
    chunks = Plain().stream_csv(Application.objects.filter(pk=application.pk))
    rows = list(csv.reader(io.StringIO("".join(chunk.decode() for chunk in chunks))))
    assert rows[1] == [FORMULA]


def test_staff_list_queries_do_not_grow_with_applications(
    client, staff, rfp, django_assert_max_num_queries
):
    submit(rfp, name="Org 0", areas=("ECS", "RWT"))
    login(client, staff)
    client.get(INDEX)
    with django_assert_max_num_queries(60) as one:
        client.get(INDEX)
    for n in range(1, 8):
        application = submit(rfp, name=f"Org {n}", areas=("ECS", "RWT"))
        application.partner_districts.set([factories.district("Selah School District")])
    with django_assert_max_num_queries(len(one.captured_queries)) as eight:
        response = client.get(INDEX)
    assert len(response.context["object_list"]) == 8
    assert len(eight.captured_queries) == len(one.captured_queries)
    with django_assert_max_num_queries(len(one.captured_queries)):
        export = client.get(INDEX, {"export": "csv"})
        b"".join(export.streaming_content)


def test_status_filter_offers_no_drafts(client, staff):
    login(client, staff)
    form = client.get(INDEX).context["filters"].form
    assert ApplicationStatus.DRAFT not in [value for value, _label in form.fields["status"].choices]


def test_the_district_directory_export_is_escaped_too(client, staff):
    from grants.models import District

    District.objects.create(name="=SUM(1,1) School District", kind="lea")
    login(client, staff)
    response = client.get(reverse("district:index"), {"export": "csv", "q": "SUM"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][0] == "'=SUM(1,1) School District"
