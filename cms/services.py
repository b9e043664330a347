"""Creating the board's public pages in code (the demo loader uses these; staff use the
Wagtail editor). Pages are published through Wagtail's revisions, like an editor would."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.models import Page

from grants.services.audit import audit_record

from .models import ConveningPage, HomePage, NarrativeQuestion, RfpIndexPage, RfpPage


def _publish(parent: Page, page: Page, actor) -> Page:
    # add_child runs the page's full_clean once the tree position is known.
    parent.add_child(instance=page)
    page.save_revision(user=actor if getattr(actor, "is_authenticated", False) else None).publish()
    return page


@transaction.atomic
def rfp_index_ensure(*, actor, title: str = "Funding opportunities", slug: str = "rfps"):
    """The one RFP index under the home page, created if missing."""
    existing = RfpIndexPage.objects.first()
    if existing:
        return existing
    home = HomePage.objects.get()
    return _publish(home, RfpIndexPage(title=title, slug=slug), actor)


@transaction.atomic
def rfp_page_create(
    *,
    program,
    title: str,
    slug: str,
    summary: str,
    opens_at: datetime,
    closes_at: datetime,
    eligible_content_areas,
    eligible_org_types: list[str],
    questions: list[str],
    actor,
    body: list | None = None,
) -> RfpPage:
    """Publish an RFP for ``program``. It must close after it opens and name at least one
    eligible content area, organization type and narrative question. ``body`` is the
    page's StreamField content as (block type, value) pairs."""
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": "The RFP must close after it opens."})
    if not eligible_content_areas or not eligible_org_types or not questions:
        raise ValidationError(
            "An RFP needs eligible content areas, eligible organization types and questions."
        )
    index = rfp_index_ensure(actor=actor)
    page = RfpPage(
        title=title,
        slug=slug,
        program=program,
        summary=summary,
        opens_at=opens_at,
        closes_at=closes_at,
        eligible_org_types=list(eligible_org_types),
        body=body or [],
    )
    page.eligible_content_areas = list(eligible_content_areas)
    page.narrative_questions = [
        NarrativeQuestion(prompt=prompt, sort_order=position, max_words=500)
        for position, prompt in enumerate(questions)
    ]
    _publish(index, page, actor)
    audit_record(actor=actor, action="rfp.published", obj=page, after={"closes_at": closes_at})
    return page


@transaction.atomic
def convening_page_create(
    *, program, title: str, slug: str, event_date: date, place: str, intro: str, actor
) -> ConveningPage:
    """Publish the convening page of ``program`` under the home page."""
    home = HomePage.objects.get()
    page = ConveningPage(
        title=title, slug=slug, program=program, event_date=event_date, place=place, intro=intro
    )
    return _publish(home, page, actor)
