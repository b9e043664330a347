"""Test data. Factories write rows directly so each test sets up only what it needs;
the behaviour under test always goes through the services."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from wagtail.models import Page

from cms.models import HomePage, NarrativeQuestion, RfpIndexPage, RfpPage
from grants.models import (
    Application,
    ApplicationStatus,
    BudgetCategory,
    BudgetLine,
    ContentArea,
    District,
    MicroCredential,
    NarrativeAnswer,
    Organization,
    OrganizationMembership,
    OrganizationType,
    Program,
    User,
)
from grants.roles import ROLE_GROUPS, Role

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email_verified_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        from django.contrib.auth.models import Group

        for role in extracted or []:
            obj.groups.add(Group.objects.get(name=ROLE_GROUPS[Role(role)]))


def content_area(code: str) -> ContentArea:
    return ContentArea.objects.get(code=code)


def micro_credential(code: str) -> MicroCredential:
    return MicroCredential.objects.get(code=code)


def district(name: str) -> District:
    return District.objects.get(name=name)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Pilot {n}")
    slug = factory.Sequence(lambda n: f"pilot-{n}")
    period_label = "2026-27"
    starts_on = date(2026, 9, 1)
    ends_on = date(2027, 6, 30)
    award_amount = Decimal("18000.00")
    budget = Decimal("54000.00")
    clock_hours = 20
    max_attempts = 5

    @factory.post_generation
    def content_areas(obj, create, extracted, **kwargs):
        codes = extracted if extracted is not None else ["ECS", "CR-SEL", "RWT"]
        obj.content_areas.set(ContentArea.objects.filter(code__in=codes))


def rfp_index() -> RfpIndexPage:
    index = RfpIndexPage.objects.first()
    if index is None:
        home = HomePage.objects.get()
        index = home.add_child(instance=RfpIndexPage(title="Funding opportunities", slug="rfps"))
    return index


def make_rfp(
    *,
    program=None,
    opens_at=None,
    closes_at=None,
    areas=("ECS", "CR-SEL", "RWT"),
    org_types=tuple(OrganizationType.values),
    questions=("What need will the pilot meet?", "What is your plan?"),
    slug=None,
) -> RfpPage:
    program = program or ProgramFactory()
    now = timezone.now()
    page = RfpPage(
        title=f"RFP for {program.name}",
        slug=slug or f"rfp-{program.slug}",
        program=program,
        summary="Grants for micro-credential pilots.",
        opens_at=opens_at or now - timedelta(days=7),
        closes_at=closes_at or now + timedelta(days=7),
        eligible_org_types=list(org_types),
    )
    page.eligible_content_areas = list(ContentArea.objects.filter(code__in=areas))
    page.narrative_questions = [
        NarrativeQuestion(prompt=prompt, sort_order=i) for i, prompt in enumerate(questions)
    ]
    rfp_index().add_child(instance=page)
    page.save_revision().publish()
    return RfpPage.objects.get(pk=page.pk)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    legal_name = factory.Sequence(lambda n: f"Example Community Partners {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    org_type = OrganizationType.COMMUNITY


def add_member(organization, user=None) -> User:
    user = user or UserFactory()
    OrganizationMembership.objects.create(organization=organization, user=user)
    return user


def complete_draft(application: Application, *, areas=("ECS",), stipends="4000.00") -> Application:
    """Fill every part of a draft so that it can be submitted."""
    application.contact_name = "Casey Contact"
    application.contact_email = "casey.contact@example.org"
    application.save()
    application.content_areas.set(ContentArea.objects.filter(code__in=areas))
    for question in application.rfp.narrative_questions.all():
        NarrativeAnswer.objects.update_or_create(
            application=application,
            question=question,
            defaults={"prompt": question.prompt, "answer": "A considered answer."},
        )
    award = application.rfp.program.award_amount
    BudgetLine.objects.filter(application=application).delete()
    BudgetLine.objects.create(
        application=application, category=BudgetCategory.STIPENDS, amount=Decimal(stipends)
    )
    BudgetLine.objects.create(
        application=application,
        category=BudgetCategory.PERSONNEL,
        amount=award - Decimal(stipends),
    )
    return application


def make_application(
    *,
    rfp=None,
    organization=None,
    status=ApplicationStatus.DRAFT,
    areas=("ECS",),
    stipends="4000.00",
):
    rfp = rfp or make_rfp()
    organization = organization or OrganizationFactory()
    application = Application.objects.create(
        rfp=rfp, organization=organization, status=ApplicationStatus.DRAFT
    )
    complete_draft(application, areas=areas, stipends=stipends)
    if status != ApplicationStatus.DRAFT:
        application.status = status
        application.submitted_at = timezone.now()
        application.save()
    return application


def root_page() -> Page:
    return Page.objects.get(depth=1)
