"""Build pilot three through the same services people use, so the demo obeys every rule.

Each step looks for what it would create first, so a second run changes nothing."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from itertools import cycle

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.rich_text import RichText

from cms.models import ConveningPage, RfpPage
from cms.services import convening_page_create, rfp_page_create
from grants.demo import pilot_three as spec
from grants.models import (
    Application,
    ApplicationStatus,
    BudgetCategory,
    ContentArea,
    District,
    InstallmentStatus,
    MicroCredential,
    Milestone,
    Organization,
    Program,
    User,
)
from grants.roles import Role
from grants.services.accounts import role_grant, two_factor_device_create, user_create
from grants.services.applications import (
    application_create,
    application_set_answers,
    application_set_budget,
    application_set_content_areas,
    application_set_partner_districts,
    application_submit,
    application_update_details,
)
from grants.services.decisions import (
    award_create,
    award_create_honorary,
    installment_mark_paid,
    installment_release,
)
from grants.services.organizations import organization_create, organization_member_add
from grants.services.programs import program_create
from sites.models import Attempt, GrantSite, Participant, ReportStatus, SiteCoordinator
from sites.services.attempts import attempt_record
from sites.services.reports import site_report_accept, site_report_save, site_report_submit
from sites.services.sites import coordinator_add, participant_add, site_create_from_award
from stipends.models import Stipend, StipendPlan, StipendStatus
from stipends.services import (
    payment_record_manual,
    stipend_approve,
    stipend_plan_set,
    stipend_rule_create,
    stipend_submit,
)

STIPEND_LINE = Decimal("4000.00")


def budget_lines(site: dict, award: Decimal) -> list[dict]:
    stipends = STIPEND_LINE if site["stipends"] else Decimal("0.00")
    substitutes = Decimal("6000.00")
    materials = Decimal("1500.00")
    personnel = award - stipends - substitutes - materials
    return [
        {
            "category": BudgetCategory.STIPENDS,
            "description": "Participant stipends",
            "amount": stipends,
        },
        {
            "category": BudgetCategory.SUBSTITUTES,
            "description": "Release days for cohort meetings",
            "amount": substitutes,
        },
        {
            "category": BudgetCategory.PERSONNEL,
            "description": "Site coordination and facilitation",
            "amount": personnel,
        },
        {
            "category": BudgetCategory.MATERIALS,
            "description": "Materials and platform fees",
            "amount": materials,
        },
    ]


class Command(BaseCommand):
    help = "Load pilot three of the micro-credential grant program (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            self.users = self.load_users()
            staff = self.users["staff"]
            program = self.load_program(staff)
            rfp = self.load_rfp(program, staff)
            for number, site_spec in enumerate(spec.SITES):
                self.load_site(number, site_spec, program, rfp)
            self.load_convening(program, staff)
            self.load_next_rfp(staff)
        self.stdout.write(self.style.SUCCESS("Pilot three is loaded."))

    # People -----------------------------------------------------------------------------

    def user(self, email, first, last, *, password=spec.DEMO_PASSWORD):
        found = User.objects.filter(email__iexact=email).first()
        if found:
            return found
        return user_create(
            email=email,
            first_name=first,
            last_name=last,
            password=password,
            verified=True,
            validate_password=False,
        )

    def load_users(self):
        users = {role: self.user(*details) for role, details in spec.DEMO_USERS.items()}
        staff = users["staff"]
        role_grant(user=staff, role=Role.PROGRAM_STAFF, actor=None)
        role_grant(user=users["reviewer"], role=Role.REVIEWER, actor=staff)
        role_grant(user=users["finance"], role=Role.FINANCE, actor=staff)
        for email, key in spec.DEMO_TOTP_KEYS.items():
            user = User.objects.get(email=email)
            if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                two_factor_device_create(user=user, actor=staff, key_hex=key)
        return users

    # Program and pages -------------------------------------------------------------------

    def load_program(self, staff):
        program = Program.objects.filter(slug=spec.PROGRAM["slug"]).first()
        if program:
            return program
        details = {k: v for k, v in spec.PROGRAM.items() if k != "content_areas"}
        return program_create(
            **details,
            content_areas=list(ContentArea.objects.filter(code__in=spec.PROGRAM["content_areas"])),
            actor=staff,
        )

    def load_rfp(self, program, staff):
        rfp = RfpPage.objects.filter(slug=spec.RFP["slug"]).first()
        if rfp:
            return rfp
        return rfp_page_create(
            program=program,
            title=spec.RFP["title"],
            slug=spec.RFP["slug"],
            summary=spec.RFP["summary"],
            opens_at=spec.RFP["opens_at"],
            closes_at=spec.RFP["closes_at"],
            eligible_content_areas=list(program.content_areas.all()),
            eligible_org_types=spec.RFP["eligible_org_types"],
            questions=spec.RFP["questions"],
            actor=staff,
        )

    def load_next_rfp(self, staff):
        """The next pilot's RFP, open now, for trying the application in the portal. Pilot
        three's figures are per program, so it leaves them as they are."""
        if RfpPage.objects.filter(slug=spec.NEXT_RFP["slug"]).exists():
            return
        program = Program.objects.filter(slug=spec.NEXT_PROGRAM["slug"]).first()
        if program is None:
            details = {k: v for k, v in spec.NEXT_PROGRAM.items() if k != "content_areas"}
            program = program_create(
                **details,
                content_areas=list(
                    ContentArea.objects.filter(code__in=spec.NEXT_PROGRAM["content_areas"])
                ),
                actor=staff,
            )
        rfp = spec.NEXT_RFP
        today = timezone.localdate()
        opens_at = datetime.combine(
            today - timedelta(days=rfp["opened_days_ago"]), time(9), tzinfo=spec.PACIFIC
        )
        closes_at = datetime.combine(
            today + timedelta(days=rfp["open_for_days"]), time(17), tzinfo=spec.PACIFIC
        )
        key_dates = [
            {"label": "Applications open", "date": opens_at.date(), "note": "9:00 AM Pacific"},
            {"label": "Applications close", "date": closes_at.date(), "note": "5:00 PM Pacific"},
            {
                "label": "Awards announced",
                "date": closes_at.date() + timedelta(days=30),
                "note": "",
            },
            {"label": "Pilot begins", "date": program.starts_on, "note": ""},
        ]
        faq = [
            {"question": question, "answer": RichText(answer)} for question, answer in rfp["faq"]
        ]
        rfp_page_create(
            program=program,
            title=rfp["title"],
            slug=rfp["slug"],
            summary=rfp["summary"],
            opens_at=opens_at,
            closes_at=closes_at,
            eligible_content_areas=list(program.content_areas.all()),
            eligible_org_types=rfp["eligible_org_types"],
            questions=rfp["questions"],
            body=[
                ("key_dates", {"title": "Key dates", "dates": key_dates}),
                ("faq", {"title": "Frequently asked questions", "items": faq}),
            ],
            actor=staff,
        )

    def load_convening(self, program, staff):
        if not ConveningPage.objects.filter(slug=spec.CONVENING["slug"]).exists():
            convening_page_create(program=program, actor=staff, **spec.CONVENING)
        self.load_convening_extras(staff)

    def load_convening_extras(self, staff):
        """The five small groups (the demo coordinator facilitates the first) and the
        published figures, once the reports are accepted (issue 7)."""
        from cms.convening.services import (
            convening_sessions_set,
            registration_create,
            snapshot_publish,
        )
        from cms.models import ConveningRegistration, FigureSnapshot

        page = ConveningPage.objects.get(slug=spec.CONVENING["slug"])
        if not page.sessions.exists():
            facilitator = self.users["coordinator"]
            # A facilitator is program staff or has a place at the convening.
            if not ConveningRegistration.objects.filter(page=page, user=facilitator).exists():
                registration_create(page=page, user=facilitator, role="Site coordinator")
            convening_sessions_set(
                page=page,
                sessions=[
                    {
                        "structure": structure,
                        "title": title,
                        "prompt": prompt,
                        "room": room,
                        "facilitator": facilitator if index == 0 else None,
                    }
                    for index, (structure, title, prompt, room) in enumerate(
                        spec.CONVENING_SESSIONS
                    )
                ],
                actor=staff,
            )
        if not FigureSnapshot.objects.filter(page=page).exists():
            snapshot_publish(page=page, actor=staff, at=spec.REPORTS_AT)

    # One site, from application to report -----------------------------------------------

    def load_site(self, number, site_spec, program, rfp):
        staff = self.users["staff"]
        slug = site_spec["slug"]
        if slug == "bellevue-sd":
            submitter, contact = self.users["applicant"], self.users["coordinator"]
        else:
            submitter = contact = self.user(
                f"{slug}.contact@example.org", "Site", f"Contact {number + 1:02d}", password=None
            )
        org = self.load_organization(site_spec, submitter)
        application = self.load_application(site_spec, org, rfp, submitter, contact)
        self.load_reviews(number, application, rfp)
        site = self.load_award_and_site(site_spec, application, program, staff)
        if not SiteCoordinator.objects.filter(site=site, user=contact).exists():
            coordinator_add(site=site, user=contact, actor=staff)
        self.load_stipend_rules(site_spec, site, staff)
        self.load_roster_and_attempts(number, site_spec, site, contact)
        self.pay_stipends(site, contact)
        self.load_report(site_spec, site, contact, staff)

    def load_organization(self, site_spec, submitter):
        org = Organization.objects.filter(legal_name=site_spec["org"]).first()
        if org is None:
            district = (
                District.objects.get(name=site_spec["district"])
                if site_spec.get("district")
                else None
            )
            org = organization_create(
                legal_name=site_spec["org"],
                org_type=site_spec["type"],
                district=district,
                city="",
                actor=submitter,
                slug=site_spec["slug"],
            )
        if not org.memberships.filter(user=submitter).exists():
            organization_member_add(organization=org, user=submitter, actor=submitter)
        return org

    def load_application(self, site_spec, org, rfp, submitter, contact):
        application = Application.objects.filter(rfp=rfp, organization=org).first()
        if application and application.status != ApplicationStatus.DRAFT:
            return application
        if application is None:
            application = application_create(
                rfp=rfp, organization=org, actor=submitter, at=spec.SUBMITTED_AT
            )
        application_update_details(
            application=application,
            actor=submitter,
            title=f"{org.legal_name}: micro-credential pilot",
            contact_name=contact.get_full_name(),
            contact_title="Pilot coordinator",
            contact_email=contact.email,
        )
        application_set_content_areas(
            application=application,
            content_areas=ContentArea.objects.filter(code__in=site_spec["areas"]),
            actor=submitter,
        )
        application_set_partner_districts(
            application=application,
            districts=District.objects.filter(name__in=site_spec["partners"]),
            actor=submitter,
        )
        application_set_answers(
            application=application,
            answers={
                q.pk: f"{org.legal_name} answers: {q.prompt.lower()} (demo text)"
                for q in rfp.narrative_questions.all()
            },
            actor=submitter,
        )
        application_set_budget(
            application=application,
            lines=budget_lines(site_spec, rfp.program.award_amount),
            actor=submitter,
        )
        return application_submit(application=application, actor=submitter, at=spec.SUBMITTED_AT)

    def load_reviews(self, number, application, rfp):
        """Two panel reviewers declare no conflict and score the application, through the
        review services, before it is decided (skipped once it has been decided)."""
        from grants.models import ConflictDeclaration, Review, ReviewStatus, RubricCriterion
        from grants.services.reviews import (
            review_assign,
            review_declare,
            review_save,
            rubric_criterion_add,
        )

        staff = self.users["staff"]
        for title, guidance in spec.RUBRIC:
            if not RubricCriterion.objects.filter(rfp=rfp, title=title).exists():
                rubric_criterion_add(rfp=rfp, title=title, guidance=guidance, actor=staff)
        application.refresh_from_db()
        if application.status != ApplicationStatus.SUBMITTED:
            return
        panel = self.user(*spec.PANEL_REVIEWER, password=None)
        role_grant(user=panel, role=Role.REVIEWER, actor=staff)
        criteria = list(RubricCriterion.objects.filter(rfp=rfp))
        for offset, reviewer in enumerate((self.users["reviewer"], panel)):
            review = Review.objects.filter(application=application, reviewer=reviewer).first()
            if review is None:
                review = review_assign(application=application, reviewer=reviewer, actor=staff)
            if review.conflict == ConflictDeclaration.UNDECLARED:
                review = review_declare(review=review, actor=reviewer, conflict=False)
            if review.status != ReviewStatus.SUBMITTED:
                review_save(
                    review=review,
                    actor=reviewer,
                    scores={
                        c.pk: 3 + (number + (offset + 1) * i) % 3 for i, c in enumerate(criteria)
                    },
                    comments={c.pk: f"{c.title}: see the narrative." for c in criteria},
                    overall_comment="Recommended for the pilot.",
                    submit=True,
                )

    def load_award_and_site(self, site_spec, application, program, staff):
        application.refresh_from_db()
        if application.status == ApplicationStatus.SUBMITTED:
            if site_spec["slug"] == spec.HONORARY_SITE:
                award_create_honorary(
                    application=application,
                    actor=staff,
                    at=spec.DECIDED_AT,
                    reason="Strong proposal; joins the pilot as an honorary site without funds.",
                )
            else:
                award_create(
                    application=application,
                    actor=staff,
                    at=spec.DECIDED_AT,
                    reason="Recommended for funding by the review panel.",
                )
        award = application.decisions.get(status="active")
        site = GrantSite.objects.filter(award=award).first()
        if site is None:
            site = site_create_from_award(
                award=award,
                actor=staff,
                name=application.organization.legal_name,
                slug=site_spec["slug"],
            )
        agreement = award.installments.filter(milestone=Milestone.AGREEMENT).first()
        if agreement and agreement.status == InstallmentStatus.SCHEDULED:
            installment_release(installment=agreement, actor=staff)
        return site

    def load_stipend_rules(self, site_spec, site, staff):
        if not site_spec["stipends"] or StipendPlan.objects.filter(site=site).exists():
            return
        stipend_plan_set(site=site, allow_both=site_spec.get("both", False), actor=staff)
        for trigger, amount in site_spec["stipends"]:
            stipend_rule_create(site=site, trigger=trigger, amount=amount, actor=staff)

    def participant_plan(self, site_spec):
        """(micro-credential codes earned, attempts before earning) per participant."""
        earners = []
        for area, value in site_spec["earned"].items():
            if area == "RWT":
                earners.extend(list(codes) for codes in value)
            else:
                earners.extend([area] for _ in range(value))
        return earners

    def load_roster_and_attempts(self, number, site_spec, site, coordinator):
        earners = self.participant_plan(site_spec)
        roles = [role for role, n in site_spec["roles"].items() for _ in range(n)]
        districts = cycle(District.objects.get(name=name) for name in site_spec["districts"])
        esd = District.objects.filter(name=site_spec.get("district"), kind="esd").first()
        total = len(earners) + site_spec["others"]
        firsts_left = site_spec["first"]
        later_numbers = cycle([2, 3, 4, 5, 3, 2, 4])
        area_codes = [
            mc.code
            for mc in MicroCredential.objects.filter(content_area__code__in=site_spec["areas"])
        ]
        for index in range(total):
            first = spec.FIRST_NAMES[(number * 7 + index) % len(spec.FIRST_NAMES)]
            last = spec.LAST_NAMES[(number + index) % len(spec.LAST_NAMES)]
            email = f"{first}.{last}.{site_spec['slug']}{index + 1:02d}@example.org".lower()
            role = roles[index] if index < len(roles) else "teacher"
            district = next(districts)
            if esd and index < site_spec.get("esd_participants", 0):
                district = esd
            participant = Participant.objects.filter(site=site, email__iexact=email).first()
            if participant is None:
                participant = participant_add(
                    site=site,
                    first_name=first,
                    last_name=last,
                    email=email,
                    role=role,
                    district=district,
                    school=f"{district.name.split(' School')[0]} Demo School",
                    certificate_number=f"{400000 + number * 1000 + index}",
                    actor=coordinator,
                )
            if index < len(earners):
                for code in earners[index]:
                    earned_on = 1 if firsts_left > 0 else next(later_numbers)
                    if earned_on == 1:
                        firsts_left -= 1
                    self.attempts(participant, code, earned_on, coordinator, earned=True)
            else:
                code = area_codes[index % len(area_codes)]
                self.attempts(participant, code, 1 + index % 3, coordinator, earned=False)

    def attempts(self, participant, code, count, coordinator, *, earned):
        mc = MicroCredential.objects.get(code=code)
        for n in range(1, count + 1):
            if Attempt.objects.filter(
                participant=participant, micro_credential=mc, number=n
            ).exists():
                continue
            month = 10 + (n - 1) * 2
            submitted_on = (
                spec.date(2018, month, 15) if month <= 12 else spec.date(2019, month - 12, 15)
            )
            attempt_record(
                participant=participant,
                micro_credential=mc,
                number=n,
                submitted_on=submitted_on,
                result="earned" if earned and n == count else "not_earned",
                actor=coordinator,
            )

    def pay_stipends(self, site, coordinator):
        finance = self.users["finance"]
        for stipend in Stipend.objects.filter(site=site).order_by("pk"):
            if stipend.status == StipendStatus.PENDING:
                stipend = stipend_submit(stipend=stipend, actor=coordinator)
            if stipend.status == StipendStatus.SUBMITTED:
                stipend = stipend_approve(stipend=stipend, actor=finance)
            if stipend.status == StipendStatus.APPROVED:
                payment_record_manual(
                    stipend=stipend,
                    method="payroll",
                    reference=f"PAY-2019-{stipend.pk:05d}",
                    paid_on=spec.PAID_ON,
                    amount=stipend.amount,
                    actor=finance,
                )

    def load_report(self, site_spec, site, coordinator, staff):
        report = getattr(site, "report", None) if hasattr(site, "report") else None
        if report is None or report.status == ReportStatus.DRAFT:
            report = site_report_save(
                site=site,
                actor=coordinator,
                support_structures=site_spec["supports"],
                incentives=(
                    "Stipends and 20 clock hours per micro-credential earned."
                    if site_spec["stipends"]
                    else "20 clock hours per micro-credential earned."
                ),
                collaboration="Cohort meetings across partner schools.",
                what_worked="Protected time to work on portfolios together.",
                what_did_not_work="Timelines around the winter break.",
                recommendations="Start cohorts in September and plan for resubmission.",
                quotes=[
                    {"text": text, "attribution": who, "consent_to_publish": consent}
                    for text, who, consent in spec.SITE_QUOTES
                ],
            )
            report = site_report_submit(report=report, actor=coordinator, at=spec.REPORTS_AT)
        if report.status in (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED):
            site_report_accept(report=report, actor=staff, at=spec.REPORTS_AT)
        finance = self.users["finance"]
        for installment in site.award.installments.filter(status=InstallmentStatus.RELEASED):
            installment_mark_paid(
                installment=installment,
                actor=finance,
                reference=f"GRANT-{site.slug}-{installment.sequence}",
            )
