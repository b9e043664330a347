"""In the browser: the coordinator drafts the report, reloads, submits; staff return it;
the coordinator resubmits; staff accept it, then build the convening packet and
download it."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from cms.services import convening_page_create
from grants.models import InstallmentStatus
from sites.models import ReportStatus, SiteReport
from tests.auth import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def new_tab(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    return context.new_page()


def tick(page, label):
    page.locator("label").filter(has_text=re.compile(f"^{re.escape(label)}$")).click()


def test_report_from_draft_to_accepted_and_the_packet(
    page, browser, live_server, site, coordinator, staff, private_media
):
    convening = convening_page_create(
        program=site.program,
        title="Policy convening",
        slug="policy-convening",
        event_date=date(2027, 10, 14),
        place="Tacoma",
        intro="",
        actor=staff,
    )
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in(page, coordinator, next_path="/portal/site-reports/")
    page.get_by_role("link", name=site.name).click()
    assert page.locator("[data-count=participants]").inner_text() == "0"
    tick(page, "PLC time")
    tick(page, "Individual coaching")
    page.get_by_label("What worked").fill("Protected PLC time for portfolios.")
    page.locator("[name=quotes-0-text]").fill("I wanted my students to see themselves.")
    page.locator("[data-autosave-status]").filter(has_text="Draft saved at").wait_for()

    page.reload()
    assert page.get_by_label("What worked").input_value() == "Protected PLC time for portfolios."
    assert page.locator("[name=quotes-0-text]").input_value().startswith("I wanted")
    page.get_by_role("button", name="Submit report").click()
    page.get_by_text("Your report is submitted").wait_for()
    report = SiteReport.objects.get(site=site)
    assert report.status == ReportStatus.SUBMITTED

    admin = new_tab(browser, live_server)
    sign_in(admin, staff, next_path="/admin/")
    admin.goto("/admin/site-reports/")
    admin.get_by_role("link", name=site.name).click()
    admin.get_by_label("Comment for the site (required to return it)").fill(
        "Add what did not work."
    )
    admin.get_by_role("button", name="Return for changes").click()
    admin.locator("[data-report-status]").filter(has_text="Returned for changes").wait_for()

    page.reload()
    page.locator("[data-staff-comments]").wait_for()
    page.locator("[data-report-comment=return]").filter(
        has_text="Add what did not work."
    ).wait_for()
    page.get_by_label("Reply to program staff").fill("Which term does this cover?")
    page.get_by_role("button", name="Send reply").click()
    page.get_by_text("Your reply is sent").wait_for()
    page.get_by_label("What did not work").fill("Winter break timelines.")
    page.get_by_role("button", name="Submit report").click()
    page.get_by_text("Your report is submitted").wait_for()
    assert SiteReport.objects.get(site=site).status == ReportStatus.RESUBMITTED

    admin.reload()
    admin.locator("[data-report-comment=reply]").filter(has_text="Which term").wait_for()
    admin.get_by_role("button", name="Accept the report").click()
    admin.locator("[data-report-status]").filter(has_text="Accepted").wait_for()
    final = site.award.installments.get(milestone="final_report")
    assert final.status == InstallmentStatus.RELEASED

    admin.goto(f"/admin/convenings/{convening.pk}/")
    # Tests run the task queue in-process, so the request that asks for the packet also
    # builds it; on a busy machine that takes a while.
    admin.set_default_timeout(300_000)
    admin.get_by_role("button", name="Build the packet").click()
    link = admin.get_by_role("link", name="Download the packet (PDF)")
    link.wait_for()
    with admin.expect_download() as download_info:
        link.click()
    with open(download_info.value.path(), "rb") as handle:
        pdf = PdfReader(io.BytesIO(handle.read()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert site.name in text and "Protected PLC time for portfolios." in text
    assert not violations, violations
