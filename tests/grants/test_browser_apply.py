"""A newcomer applies in the browser: register, confirm the address, register the
organization, fill every step, reload half-way, submit and download the PDF."""

import io
import re

import pytest
from django.core import mail
from pypdf import PdfReader

from grants.models import Application, ApplicationStatus, Organization
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-passphrase-42"


def tick(page, label):
    """Check a design-system checkbox or radio by its visible label."""
    page.locator("label").filter(has_text=re.compile(f"^{re.escape(label)}$")).click()


def continue_(page):
    page.get_by_role("button", name=re.compile("^Save and continue")).click()
    page.wait_for_load_state()


def test_a_newcomer_applies_and_downloads_the_pdf(page, private_media, tmp_path):
    rfp = factories.make_rfp(
        questions=("What need will the pilot meet?", "What is your plan?", "What incentives?")
    )
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    # Register and confirm the address.
    page.goto(rfp.url)
    page.get_by_role("link", name="create an account").click()
    page.get_by_label("First name").fill("Nguyễn Thị")
    page.get_by_label("Last name").fill("Lan")
    page.get_by_label("Email address").fill("lan.nguyen@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    link = re.search(r"http://testserver(/accounts/verify-email/\S+)", mail.outbox[-1].body)
    page.goto(link.group(1))
    page.get_by_text("Your email address is confirmed").wait_for()
    page.get_by_label("Email address").fill("lan.nguyen@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/portal/")

    # Apply from the RFP page; register the organization on the way.
    page.goto(rfp.url)
    page.get_by_role("link", name=f"Apply for {rfp.program.name}").click()
    page.get_by_role("link", name="register your organization").click()
    page.get_by_label("Legal name").fill("Yelm Community Schools Foundation")
    tick(page, "Community organization")
    page.get_by_label("City").fill("Yelm")
    page.get_by_label("ZIP code").fill("98597")
    page.get_by_role("button", name="Register the organization").click()
    page.get_by_role(
        "button", name="Start an application for Yelm Community Schools Foundation"
    ).click()

    # 1. Organization and contacts: a mistake first, then the fix.
    page.get_by_role("heading", name="Organization and contacts", level=1).wait_for()
    assert page.get_by_label("Contact email").input_value() == "lan.nguyen@example.org"
    page.get_by_label("Project title").fill("Computer science in every elementary school")
    page.get_by_label("Contact email").fill("lan.nguyen@")
    continue_(page)
    page.get_by_text("Please correct 1 problem").wait_for()
    assert (
        page.get_by_label("Project title").input_value()
        == "Computer science in every elementary school"
    )
    page.get_by_label("Contact email").fill("lan.nguyen@example.org")
    page.get_by_label("Contact phone").fill("360-555-0142")
    continue_(page)

    # 2. Content areas.
    tick(page, "Elementary Computer Science (ECS)")
    tick(page, "Recruiting Washington Teachers (RWT)")
    continue_(page)

    # 3. Partner districts, found through the search box.
    search = page.get_by_label("Search the district directory")
    search.fill("yelm")
    tick(page, "Yelm School District")
    search.fill("rainier")
    tick(page, "Rainier School District")
    search.fill("")
    page.get_by_text("2 chosen: Rainier School District, Yelm School District.").wait_for()
    continue_(page)

    # 4. Narrative, then reload half-way: the draft is intact.
    answers = page.locator("textarea")
    answers.nth(0).fill("Few of our elementary teachers have taught computer science.")
    answers.nth(1).fill("Cohorts meet monthly.")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Your draft is saved").wait_for()
    page.reload()
    assert page.locator("textarea").nth(1).input_value() == "Cohorts meet monthly."
    page.get_by_role("link", name="Partner districts").click()
    assert page.get_by_label("Yelm School District").is_checked()
    assert page.get_by_label("Rainier School District").is_checked()
    page.get_by_role("link", name="Narrative").click()
    page.locator("textarea").nth(2).fill("Stipends of $250 and 20 clock hours.")
    continue_(page)

    # 5. Budget: the running total follows what is typed.
    amounts = page.locator("[data-budget-amount]")
    amounts.nth(0).fill("4,000")
    page.locator("select[name=lines-1-category]").select_option("personnel")
    page.locator("[name=lines-1-description]").fill("Coordination")
    amounts.nth(1).fill("14000")
    page.locator("[data-budget-total]").filter(has_text="$18,000.00, equal to the award").wait_for()
    continue_(page)

    # 6. Attachments: a disguised file is refused, a real PDF accepted.
    fake = tmp_path / "letter.pdf"
    fake.write_bytes(b"<html><script>alert(1)</script>%PDF-1.4</html>")
    real = tmp_path / "support-letter.pdf"
    from tests.uploads import PDF_BYTES

    real.write_bytes(PDF_BYTES)
    page.locator("input[type=file]").set_input_files(str(fake))
    page.get_by_role("button", name="Upload the file").click()
    page.get_by_text("letter.pdf: This file's content is not an accepted type").first.wait_for()
    page.get_by_label("What is this file?").fill("Letter of support from Yelm")
    page.locator("input[type=file]").set_input_files(str(real))
    page.get_by_role("button", name="Upload the file").click()
    page.get_by_text("support-letter.pdf is attached.").wait_for()
    page.get_by_role("button", name="Continue to review and submit").click()

    # 7. Review and submit.
    page.get_by_text("Everything the RFP asks for is here").wait_for()
    page.locator("label[for=id_confirm]").click()
    page.get_by_role("button", name="Submit the application").click()
    page.get_by_text("Your application is submitted").wait_for()

    application = Application.objects.get(
        organization__legal_name="Yelm Community Schools Foundation"
    )
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.budget_total == rfp.program.award_amount
    assert Organization.objects.get(pk=application.organization_id).members.count() == 1
    assert any(m.subject == f"Application received: {rfp.title}" for m in mail.outbox)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download a PDF copy").click()
    pdf_path = tmp_path / "copy.pdf"
    download.value.save_as(pdf_path)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
    assert "Yelm Community Schools Foundation" in text
    assert "Nguyễn Thị Lan" in text
    assert "Cohorts meet monthly." in text

    page.get_by_role("link", name="Dashboard").click()
    page.get_by_text("History").click()
    assert page.get_by_text(re.compile("Submitted, by Nguyễn Thị Lan")).is_visible()
    assert violations == []
