"""Creating a grant site from an award, its coordinators and its roster."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from grants.models import Award, DecisionStatus
from grants.services.audit import audit_record
from sites.models import GrantSite, Participant, SiteCoordinator


def _unique_slug(name: str) -> str:
    base = slugify(name)[:90] or "site"
    slug, n = base, 2
    while GrantSite.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def site_create_from_award(
    *, award: Award, actor, name: str | None = None, slug: str | None = None
) -> GrantSite:
    """Open the grant site for an award in effect. It pilots the content areas and
    partners with the districts of the application, and a site exists once per award."""
    award = (
        Award.objects.select_for_update()
        .select_related("application__organization", "program")
        .get(pk=award.pk)
    )
    if award.status != DecisionStatus.ACTIVE:
        raise ValidationError("This award has been reversed; no site can be created from it.")
    if GrantSite.objects.filter(award=award).exists():
        raise ValidationError(f"A grant site already exists for {award.application.organization}.")
    application = award.application
    site_name = (name or application.organization.legal_name).strip()
    site = GrantSite(
        award=award,
        program=award.program,
        organization=application.organization,
        name=site_name,
        slug=slug or _unique_slug(site_name),
    )
    site.full_clean()
    site.save()
    site.content_areas.set(application.content_areas.all())
    site.partner_districts.set(application.partner_districts.all())
    audit_record(
        actor=actor,
        action="site.created",
        obj=site,
        after={"award": award.pk, "honorary": award.is_honorary},
    )
    return site


@transaction.atomic
def coordinator_add(*, site: GrantSite, user, actor) -> SiteCoordinator:
    """Make ``user`` a coordinator of ``site``."""
    if SiteCoordinator.objects.filter(site=site, user=user).exists():
        raise ValidationError(f"{user} already coordinates {site}.")
    link = SiteCoordinator(site=site, user=user, added_by=actor)
    link.full_clean()
    link.save()
    audit_record(actor=actor, action="site.coordinator_added", obj=site, after={"user": user.email})
    return link


@transaction.atomic
def participant_add(
    *,
    site: GrantSite,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    district,
    actor,
    school: str = "",
    certificate_number: str = "",
) -> Participant:
    """Put an educator on a site's roster. An email appears once per site, whatever its case."""
    email = email.strip()
    if Participant.objects.filter(site=site, email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already on the roster of {site}."})
    participant = Participant(
        site=site,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        role=role,
        district=district,
        school=school.strip(),
        certificate_number=str(certificate_number).strip(),
    )
    participant.full_clean()
    participant.save()
    audit_record(actor=actor, action="participant.added", obj=participant, after={"site": site.pk})
    return participant
