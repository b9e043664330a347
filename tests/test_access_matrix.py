"""Every URL pattern in the project, requested as every role, for the role's own object and
for someone else's. The expected outcome of each is declared below; a URL without a row
fails the walk, so no view ships without a decided access rule.

To add a URL: add one row to RULES (its name, the method, the outcome per role for
"own" and "other") and, if it takes arguments, one entry to ARGS building them from the
WORLD. Outcomes: 200, LOGIN (302 to the sign-in page), 404, or for the few views that
answer otherwise REDIRECT (302 elsewhere, e.g. after a POST), 400, 405, 410.

The Wagtail admin is one rule (ADMIN_RULE): every admin URL sends the anonymous and
people without admin access to sign in, and staff without a verified second factor to
it; the admin's own permission checks then apply (tested in the tests of each screen)."""

import re
import uuid
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from grants.models import InvitationKind, MembershipRequest, Review
from tests import factories
from tests.auth import login
from tests.uploads import pdf

pytestmark = pytest.mark.django_db

LOGIN = "login"  # 302 to the sign-in page
TWO_FACTOR = "two-factor"  # 302 to the second-factor page
REDIRECT = "redirect"  # 302 anywhere else
ROLES = ("anonymous", "applicant", "reviewer", "staff", "finance", "coordinator")


@dataclass(frozen=True)
class Rule:
    """Expected outcomes, one per role in ROLES order, for the role's own object and for
    someone else's. ``other`` defaults to ``own`` for URLs that name no object."""

    own: tuple
    other: tuple | None = None
    method: str = "get"
    data: dict = field(default_factory=dict)

    def expected(self, side: str) -> tuple:
        return self.own if side == "own" or self.other is None else self.other


P = 200  # shorthand in the table: the page is served
L, N, R = LOGIN, 404, REDIRECT
PUBLIC = Rule(own=(P, P, P, P, P, P))
SIGNED_IN = Rule(own=(L, P, P, P, P, P))
# A site's pages: its coordinator and program staff; anyone else 404.
WORKSPACE = Rule(own=(L, N, N, P, N, P), other=(L, N, N, P, N, N))

# One row per URL name:        anonymous applicant reviewer staff finance coordinator
RULES: dict[str, Rule] = {
    # Wagtail's public pages and documents.
    "wagtail_serve": PUBLIC,
    "wagtaildocs_serve": Rule(own=(N, N, N, N, N, N)),  # no such document in the world
    "wagtaildocs_authenticate_with_password": Rule(own=(L, N, N, N, N, N)),
    # Accounts.
    "account_login": Rule(own=(P, R, R, R, R, R)),  # signed-in people are sent on
    "account_logout": Rule(own=(L, 405, 405, 405, 405, 405), method="get"),
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,  # an invalid link says so, for anyone
    "password_reset_complete": PUBLIC,
    # Without a device people are sent on to enrol; with one, from enrolment to the code.
    "two_factor_verify": Rule(own=(L, TWO_FACTOR, TWO_FACTOR, P, P, TWO_FACTOR)),
    "two_factor_setup": Rule(own=(L, P, P, TWO_FACTOR, TWO_FACTOR, P)),
    "invitation_accept": Rule(own=(P, 403, 403, 403, 403, 403), other=(N, N, N, N, N, N)),
    "account_register": Rule(own=(P, R, R, R, R, R)),
    "account_register_sent": PUBLIC,
    "email_verification_resend": Rule(own=(L, 405, 405, 405, 405, 405)),  # POST only
    "email_verify": Rule(own=(400, 400, 400, 400, 400, 400)),  # an invalid token
    # Portal.
    "portal_home": SIGNED_IN,
    "organization_list": SIGNED_IN,
    "organization_new": SIGNED_IN,
    "organization_join": SIGNED_IN,
    "membership_request_cancel": Rule(
        own=(L, R, N, N, N, N), other=(L, N, N, N, N, N), method="post"
    ),
    "organization_detail": Rule(own=(L, P, N, N, N, N), other=(L, N, N, N, N, N)),
    "organization_edit": Rule(own=(L, P, N, N, N, N), other=(L, N, N, N, N, N)),
    "membership_request_new": Rule(own=(L, R, R, R, R, R), other=(L, R, R, R, R, R), method="post"),
    "organization_invite": Rule(own=(L, 400, N, N, N, N), other=(L, N, N, N, N, N), method="post"),
    "organization_invitation_revoke": Rule(
        own=(L, R, N, N, N, N), other=(L, N, N, N, N, N), method="post"
    ),
    "membership_request_answer": Rule(
        own=(L, R, N, N, N, N), other=(L, N, N, N, N, N), method="post"
    ),
    "application_start": Rule(own=(L, R, P, P, P, P)),  # the applicant has one already
    "application_detail": Rule(own=(L, P, P, P, N, N), other=(L, N, N, P, N, N)),
    # A draft's step: members edit it; staff, who see it, are sent to its summary.
    "application_step": Rule(own=(L, P, N, R, N, N), other=(L, N, N, R, N, N)),
    "application_withdraw": Rule(own=(L, P, N, N, N, N), other=(L, N, N, N, N, N)),
    "application_pdf": Rule(own=(L, P, P, P, N, N), other=(L, N, N, P, N, N)),
    "application_attachment": Rule(own=(L, P, P, P, N, N), other=(L, N, N, P, N, N)),
    "application_attachment_remove": Rule(
        own=(L, R, N, N, N, N), other=(L, N, N, N, N, N), method="post"
    ),
    # Sites.
    "site_list": PUBLIC,
    "site_detail": PUBLIC,
    "site_coordinators": Rule(own=(L, N, N, P, N, P), other=(L, N, N, P, N, N)),
    "site_coordinator_invitation_revoke": Rule(
        own=(L, N, N, R, N, R), other=(L, N, N, R, N, N), method="post"
    ),
    # Coordinator workspace (sites/permissions.py): own sites, staff see all, else 404.
    # The list is each person's own sites: for people with none, an empty page.
    "workspace_sites": SIGNED_IN,
    "workspace_site": WORKSPACE,
    "workspace_roster": WORKSPACE,
    "workspace_attempts": WORKSPACE,
    "workspace_attempt_add": WORKSPACE,
    "workspace_attempt_correct": WORKSPACE,
    "workspace_participant": WORKSPACE,
    "workspace_transcript_pdf": WORKSPACE,
    "workspace_export": WORKSPACE,
    "workspace_upload": WORKSPACE,
    "workspace_import": WORKSPACE,
    "workspace_import_confirm": Rule(
        own=(L, N, N, R, N, R), other=(L, N, N, R, N, N), method="post"
    ),
    # Site reports: coordinators edit their own; staff read every one.
    "site_report_list": SIGNED_IN,
    "site_report": WORKSPACE,
    "site_report_autosave": Rule(
        own=(L, N, N, N, N, 400), other=(L, N, N, N, N, N), method="post"
    ),  # an empty autosave is bad input
    "site_report_attachment": WORKSPACE,
    # Both sides' reports are returned: only the site's own coordinator replies.
    "site_report_reply": Rule(
        own=(L, N, N, N, N, R), other=(L, N, N, N, N, N), method="post", data={"body": "Why?"}
    ),
    "site_report_attachment_remove": Rule(
        own=(L, N, N, N, N, R), other=(L, N, N, N, N, N), method="post"
    ),
    # Stipends: finance see every site; a coordinator their own, and requests for it.
    "stipend_sites": Rule(own=(L, P, P, P, P, R)),  # one site: sent straight to it
    "site_stipends": Rule(own=(L, N, N, N, P, P), other=(L, N, N, N, P, N)),
    "site_stipends_submit": Rule(own=(L, N, N, N, N, R), other=(L, N, N, N, N, N), method="post"),
    "payee_invite": Rule(own=(L, N, N, N, R, R), other=(L, N, N, N, R, N), method="post"),
    # Public onboarding links: Stripe is not configured in tests, so a valid link shows
    # the problem page (200) instead of sending on to Stripe; a forged one is 404.
    "payee_onboarding": Rule(own=(P, P, P, P, P, P), other=(N, N, N, N, N, N)),
    "payee_onboarding_done": PUBLIC,
    # Without Stripe configured the webhook does not exist (404); a configured one
    # refuses a missing signature with 400 (tests/stipends/test_webhooks.py).
    "stripe_webhook": Rule(own=(N, N, N, N, N, N), method="post"),
    # Convening: signing up sends anyone signed in back to the page.
    "convening_register": Rule(own=(L, R, R, R, R, R), method="post"),
    # Only the coordinator (the "own" group's facilitator) is registered: only they have
    # a registration to cancel.
    "convening_cancel": Rule(own=(L, N, N, N, N, R), method="post"),
    "convening_stories_export": Rule(own=(N, N, N, N, N, N)),  # nothing published yet
    # A group's input: its facilitator (the coordinator facilitates "own") and staff.
    "convening_session_input": WORKSPACE,
}

# The admin: one rule for every URL under it, however Wagtail names them.
ADMIN_PREFIX = "admin/"
# Admin URLs that need no sign-in: the icon sprite, the script translations, and the
# admin's sign-in and password-reset pages (which reveal no accounts, like the portal's).
ADMIN_PUBLIC = {
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_login",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
}
# The project's own admin screens that check each object themselves answer a signed-in
# person without access with 404 (405 for a GET of a POST-only action, before any
# check), instead of Wagtail's redirect: the review and decision screens, mounted ahead
# of Wagtail's admin. The anonymous and the unverified are still sent to sign in and to
# the second factor. Their outcomes per role are declared in ADMIN_RULES below.
ADMIN_REFUSED_WITH_404 = ("reviewing:",)

# Explicit rows for the project's important admin screens.
#                           anonymous applicant reviewer staff finance coordinator
ADMIN_RULES: dict[str, Rule] = {
    "reviewing:my_reviews": Rule(own=(L, N, P, N, N, N)),
    # The reviewer's own review; someone else's is 404 to them.
    "reviewing:review": Rule(own=(L, N, P, N, N, N), other=(L, N, N, N, N, N)),
    "reviewing:staff_applications": Rule(own=(L, N, N, P, N, N)),
    "reviewing:staff_application": Rule(own=(L, N, N, P, N, N)),
    "reviewing:decide": Rule(own=(L, N, N, 400, N, N), method="post"),  # empty: the errors
    # Staff take a reviewer off an application (back to its page, refused or not).
    "reviewing:unassign": Rule(own=(L, N, N, R, N, N), method="post"),
    "reviewing:dashboard": Rule(own=(L, N, N, P, N, N)),
    "reviewing:installments": Rule(own=(L, N, N, P, P, N)),
    "reviewing:installment_release": Rule(own=(L, N, N, R, R, N), method="post"),
    "reviewing:installment_pay": Rule(own=(L, N, N, N, R, N), method="post"),
    # Stipend administration is finance's; program staff get 404.
    "stipends_admin_ledger": Rule(own=(L, L, N, N, P, L)),
    "stipends_admin_requests": Rule(own=(L, L, N, N, P, L)),
    "stipends_admin_payees": Rule(own=(L, L, N, N, P, L)),
    "stipends_admin_batches": Rule(own=(L, L, N, N, P, L)),
    "stipends_admin_site": Rule(own=(L, L, N, N, P, L)),
    # Site reports and convenings are program staff's.
    "site_report_tracker": Rule(own=(L, L, N, P, N, L)),
    "site_report_review": Rule(own=(L, L, N, P, N, L)),
    "convening_index": Rule(own=(L, L, N, P, N, L)),
    "convening_admin": Rule(own=(L, L, N, P, N, L)),
}
ADMIN_ARGS = {
    "reviewing:review": lambda w, s: {"pk": s.review.pk},
    "reviewing:staff_application": lambda w, s: {"public_id": s.application.public_id},
    "reviewing:decide": lambda w, s: {"public_id": s.application.public_id},
    "reviewing:unassign": lambda w, s: {"public_id": s.application.public_id, "pk": s.review.pk},
    "reviewing:installment_release": lambda w, s: {"pk": s.installment.pk},
    "reviewing:installment_pay": lambda w, s: {"pk": s.installment.pk},
    "stipends_admin_site": lambda w, s: {"pk": s.site.pk},
    "site_report_review": lambda w, s: {"pk": s.report_attachment.report_id},
    "convening_admin": lambda w, s: {"pk": w.convening.pk},
}

ADMIN_RULE = {
    "anonymous": LOGIN,
    "applicant": LOGIN,
    "coordinator": LOGIN,
    "staff_unverified": TWO_FACTOR,
    "finance_unverified": TWO_FACTOR,
}


@dataclass
class Side:
    organization: object
    application: object
    attachment: object
    draft: object
    draft_attachment: object
    invitation: object
    invitation_token: str
    site: object
    site_invitation: object
    membership_request: object


@dataclass
class World:
    users: dict
    own: Side
    other: Side
    rfp: object


def _side(*, rfp, award_rfp, draft_rfp, staff, member, name) -> Side:
    from grants.services.applications import application_submit
    from grants.services.attachments import application_attachment_add
    from grants.services.decisions import award_create
    from grants.services.invitations import invitation_create
    from sites.services.sites import site_create_from_award

    organization = factories.OrganizationFactory(legal_name=f"{name} Partners")
    factories.add_member(organization, member)
    draft = factories.make_application(rfp=rfp, organization=organization)
    attachment = application_attachment_add(application=draft, upload=pdf(), actor=member)
    application = application_submit(application=draft, actor=member)
    # A second, unsubmitted application, for the pages that edit drafts.
    open_draft = factories.make_application(rfp=draft_rfp, organization=organization)
    draft_attachment = application_attachment_add(
        application=open_draft, upload=pdf(), actor=member
    )
    invitation, token = invitation_create(
        kind=InvitationKind.ORGANIZATION_MEMBER,
        email=f"invitee.{name.lower()}@example.org",
        organization=organization,
        actor=member,
    )
    awarded = application_submit(
        application=factories.make_application(rfp=award_rfp, organization=organization),
        actor=member,
    )
    award = award_create(application=awarded, actor=staff, reason="Strong proposal.")
    site = site_create_from_award(award=award, actor=staff)
    site_invitation, _ = invitation_create(
        kind=InvitationKind.SITE_COORDINATOR,
        email=f"co.{name.lower()}@example.org",
        site=site,
        actor=staff,
    )
    asker = factories.UserFactory()
    membership_request = MembershipRequest.objects.create(organization=organization, user=asker)
    return Side(
        organization=organization,
        application=application,
        attachment=attachment,
        draft=open_draft,
        draft_attachment=draft_attachment,
        invitation=invitation,
        invitation_token=token,
        site=site,
        site_invitation=site_invitation,
        membership_request=membership_request,
    )


def build_world() -> World:
    """Two of everything: the roles' own objects, and someone else's."""
    from sites.services.sites import coordinator_add

    users = {
        "applicant": factories.UserFactory(email="applicant@example.org"),
        "reviewer": factories.UserFactory(email="reviewer@example.org", roles=["reviewer"]),
        "staff": factories.UserFactory(email="staff@example.org", roles=["program_staff"]),
        "finance": factories.UserFactory(email="finance@example.org", roles=["finance"]),
        "coordinator": factories.UserFactory(email="coordinator@example.org"),
    }
    rfp = factories.make_rfp(slug="matrix-rfp")
    rfps = {
        "rfp": rfp,
        "award_rfp": factories.make_rfp(slug="matrix-awards"),
        "draft_rfp": factories.make_rfp(slug="matrix-drafts"),
    }
    own = _side(**rfps, staff=users["staff"], member=users["applicant"], name="Own")
    other = _side(**rfps, staff=users["staff"], member=factories.UserFactory(), name="Other")
    # The applicant asked to join the other organization: that request is theirs.
    own.membership_request_mine = MembershipRequest.objects.create(
        organization=other.organization, user=users["applicant"]
    )
    other.membership_request_mine = other.membership_request
    Review.objects.create(
        application=own.application,
        reviewer=users["reviewer"],
        assigned_by=users["staff"],
        conflict="none",
    )
    coordinator_add(site=own.site, user=users["coordinator"], actor=users["staff"])
    other_coordinator = factories.UserFactory(email="co.other@example.org")
    coordinator_add(site=other.site, user=other_coordinator, actor=users["staff"])
    _site_records(
        own,
        coordinator=users["coordinator"],
        reviewer=users["reviewer"],
        staff=users["staff"],
        name="Own",
    )
    _site_records(
        other, coordinator=other_coordinator, reviewer=None, staff=users["staff"], name="Other"
    )
    world = World(users=users, own=own, other=other, rfp=rfp)
    _convening(world, program=rfp.program, staff=users["staff"])
    return world


def _site_records(side: Side, *, coordinator, reviewer, staff, name) -> None:
    """A site's participant, attempt, import batch, report attachment and payee, and a
    review of the side's application (the reviewer's own, or another reviewer's)."""
    from datetime import date

    from sites.services.attempts import attempt_record
    from sites.services.reports import (
        report_attachment_add,
        site_report_return,
        site_report_save,
        site_report_submit,
    )
    from sites.services.sites import participant_add
    from stipends.payouts import onboarding_token, payee_for
    from tests.sites.imports import roster_csv, upload

    side.participant = participant_add(
        site=side.site,
        first_name="Pat",
        last_name=name,
        email=f"pat.{name.lower()}@example.org",
        role="teacher",
        district=factories.district("Bellevue School District"),
        actor=coordinator,
    )
    side.attempt = attempt_record(
        participant=side.participant,
        micro_credential=factories.micro_credential("ECS"),
        number=1,
        submitted_on=date(2026, 10, 1),
        result="earned",
        actor=coordinator,
    )
    side.import_batch = upload(
        side.site,
        "roster",
        roster_csv(f"Lee,{name},lee.{name.lower()}@example.org,teacher,Bellevue School District,,"),
        coordinator,
    )
    side.report_attachment = report_attachment_add(site=side.site, upload=pdf(), actor=coordinator)
    # The report is returned for changes, so its coordinator may reply to staff.
    report = site_report_save(
        site=side.site, actor=coordinator, support_structures=["plc"], what_worked="PLC."
    )
    site_report_submit(report=report, actor=coordinator)
    site_report_return(report=report, actor=staff, comments="Add what did not work.")
    side.payee_token = onboarding_token(payee_for(side.participant))
    side.review = Review.objects.get_or_create(
        application=side.application,
        reviewer=reviewer or factories.UserFactory(roles=["reviewer"]),
        defaults={"assigned_by": coordinator, "conflict": "none"},
    )[0]
    side.installment = side.site.award.installments.order_by("sequence").first()


def _convening(world: World, *, program, staff) -> None:
    """One published convening page with two groups: the coordinator, registered for it,
    facilitates the "own" one, nobody the "other"."""
    from datetime import date

    from cms.convening.services import convening_sessions_set, registration_create
    from cms.services import convening_page_create

    page = convening_page_create(
        program=program,
        title="Matrix convening",
        slug="matrix-convening",
        event_date=date(2027, 10, 14),
        place="Tacoma",
        intro="<p>Come.</p>",
        actor=staff,
    )
    # A facilitator has a place at the convening (or is program staff).
    registration_create(page=page, user=world.users["coordinator"])
    convening_sessions_set(
        page=page,
        sessions=[
            {
                "structure": "alignment",
                "title": "Standards",
                "prompt": "Align?",
                "facilitator": world.users["coordinator"],
            },
            {"structure": "platforms", "title": "Platforms", "prompt": "Which?"},
        ],
        actor=staff,
    )
    world.convening = page
    world.own.session, world.other.session = page.sessions.order_by("sort_order")


# How to fill in each URL's arguments for one side of the world.
ARGS = {
    "wagtaildocs_serve": lambda w, s: ["999999", "missing.pdf"],
    "wagtaildocs_authenticate_with_password": lambda w, s: {"restriction_id": 999999},
    "password_reset_confirm": lambda w, s: {"uidb64": "MQ", "token": "set-password"},
    "invitation_accept": lambda w, s: {
        "token": s.invitation_token if s is w.own else "not-a-real-token"
    },
    "email_verify": lambda w, s: {"token": "not-a-real-token"},
    "membership_request_cancel": lambda w, s: {"pk": s.membership_request_mine.pk},
    "organization_detail": lambda w, s: {"slug": s.organization.slug},
    "organization_edit": lambda w, s: {"slug": s.organization.slug},
    "membership_request_new": lambda w, s: {"slug": w.other.organization.slug},
    "organization_invite": lambda w, s: {"slug": s.organization.slug},
    "organization_invitation_revoke": lambda w, s: {
        "slug": s.organization.slug,
        "pk": s.invitation.pk,
    },
    "membership_request_answer": lambda w, s: {
        "slug": s.organization.slug,
        "pk": s.membership_request.pk,
        "answer": "decline",
    },
    "application_start": lambda w, s: {"rfp_id": w.rfp.pk},
    "application_detail": lambda w, s: {"public_id": s.application.public_id},
    "application_step": lambda w, s: {"public_id": s.draft.public_id, "step": "organization"},
    "application_withdraw": lambda w, s: {"public_id": s.application.public_id},
    "application_pdf": lambda w, s: {"public_id": s.application.public_id},
    "application_attachment": lambda w, s: {
        "public_id": s.application.public_id,
        "pk": s.attachment.pk,
    },
    "application_attachment_remove": lambda w, s: {
        "public_id": s.draft.public_id,
        "pk": s.draft_attachment.pk,
    },
    "site_detail": lambda w, s: {"slug": s.site.slug},
    "site_coordinators": lambda w, s: {"slug": s.site.slug},
    "site_coordinator_invitation_revoke": lambda w, s: {
        "slug": s.site.slug,
        "pk": s.site_invitation.pk,
    },
    "wagtail_serve": lambda w, s: [""],
    **{
        name: (lambda w, s: {"slug": s.site.slug})
        for name in (
            "workspace_site",
            "workspace_roster",
            "workspace_attempts",
            "workspace_attempt_add",
            "site_report",
            "site_report_autosave",
            "site_report_reply",
            "site_stipends",
            "site_stipends_submit",
        )
    },
    "workspace_attempt_correct": lambda w, s: {"slug": s.site.slug, "pk": s.attempt.pk},
    "workspace_participant": lambda w, s: {"slug": s.site.slug, "pk": s.participant.pk},
    "workspace_transcript_pdf": lambda w, s: {"slug": s.site.slug, "pk": s.participant.pk},
    "workspace_export": lambda w, s: {"slug": s.site.slug, "kind": "roster", "file_format": "csv"},
    "workspace_upload": lambda w, s: {"slug": s.site.slug, "kind": "roster"},
    "workspace_import": lambda w, s: {"slug": s.site.slug, "public_id": s.import_batch.public_id},
    "workspace_import_confirm": lambda w, s: {
        "slug": s.site.slug,
        "public_id": s.import_batch.public_id,
    },
    "site_report_attachment": lambda w, s: {"slug": s.site.slug, "pk": s.report_attachment.pk},
    "site_report_attachment_remove": lambda w, s: {
        "slug": s.site.slug,
        "pk": s.report_attachment.pk,
    },
    "payee_invite": lambda w, s: {"slug": s.site.slug, "participant_id": s.participant.pk},
    "payee_onboarding": lambda w, s: {"token": s.payee_token if s is w.own else "not-a-real-token"},
    "convening_register": lambda w, s: {"pk": w.convening.pk},
    "convening_cancel": lambda w, s: {"pk": w.convening.pk},
    "convening_stories_export": lambda w, s: {"pk": w.convening.pk, "file_format": "csv"},
    "convening_session_input": lambda w, s: {"pk": s.session.pk},
}


def walk(patterns=None, prefix="", namespace=""):
    """(route text, full name, pattern) for every URL pattern in the project."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            yield prefix + str(pattern.pattern), name, pattern


ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
SAMPLES = {"int": "1", "uuid": str(uuid.UUID(int=1)), "path": "x", "slug": "x", "str": "x"}


def sample_path(route: str) -> str:
    """A concrete path matching ``route`` (mixed route and regex text), with dummy values."""

    text = re.sub(r"\(\?P<\w+>[^()]*\)", "1", route)  # regex groups first
    text = text.replace("^", "").replace("$", "").replace(".*", "x").replace("\\.", ".")
    return "/" + ROUTE_PARAM.sub(lambda m: SAMPLES.get(m["converter"] or "str", "x"), text)


def outcome(response) -> object:
    if response.status_code in (301, 302):
        location = response["Location"]
        # /admin/login/ itself only redirects to the one sign-in page.
        if location.startswith((reverse("account_login"), "/admin/login/")):
            return LOGIN
        if location.startswith(reverse("two_factor_verify")):
            return TWO_FACTOR
        return REDIRECT
    return response.status_code


def client_as(client, world, role, *, verified=True):
    client.logout()
    if role != "anonymous":
        user = world.users[role]
        if verified:
            login(client, user)
        else:
            client.force_login(user)
    return client


def request(client, world, role, url, rule):
    """One request inside a savepoint that is rolled back, so an action a role may take
    (withdrawing, revoking) leaves the world as it was for the next role."""
    with transaction.atomic():
        client_as(client, world, role)
        response = getattr(client, rule.method)(url, rule.data)
        transaction.set_rollback(True)
    assert "Content-Security-Policy" in response, f"{url} has no CSP header"
    return outcome(response)


def project_urls():
    return [(route, name) for route, name, _ in walk() if not route.startswith(ADMIN_PREFIX)]


def test_every_url_has_a_declared_rule():
    missing = [
        f"{route} ({name or 'unnamed'})"
        for route, name in project_urls()
        if (name or route) not in RULES
    ]
    assert not missing, "URLs without a declared access rule: " + ", ".join(missing)


def test_no_rule_names_a_url_that_does_not_exist():
    names = {name or route for route, name in project_urls()}
    assert set(RULES) <= names, sorted(set(RULES) - names)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction rolled back at its end; each test
    runs in a savepoint within it, and each request in a savepoint within that."""
    from django.apps import apps
    from django.core.files.storage import FileSystemStorage

    from grants.files import private_storage

    storage = FileSystemStorage(location=tmp_path_factory.mktemp("private"), base_url=None)
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        for model in apps.get_models():
            for model_field in model._meta.fields:
                if getattr(model_field, "_storage_callable", None) is private_storage:
                    patch.setattr(model_field, "storage", storage)
        with transaction.atomic():
            yield build_world()
            transaction.set_rollback(True)


@pytest.mark.parametrize("name", sorted(RULES) + sorted(ADMIN_RULES))
def test_role_matrix(db, client, world, name):
    rule = RULES.get(name) or ADMIN_RULES[name]
    build = ARGS.get(name) or ADMIN_ARGS.get(name)
    results, expected = {}, {}
    for side_name in ("own", "other"):
        side = getattr(world, side_name)
        args = build(world, side) if build else None
        if isinstance(args, list):
            url = reverse(name, args=args)
        else:
            url = reverse(name, kwargs=args) if args else reverse(name)
        for role, wanted in zip(ROLES, rule.expected(side_name), strict=True):
            results[(side_name, role)] = request(client, world, role, url, rule)
            expected[(side_name, role)] = wanted
    wrong = {key: (results[key], expected[key]) for key in results if results[key] != expected[key]}
    assert not wrong, f"{name}: (got, expected) {wrong}"


def test_admin_rules_name_admin_urls():
    names = {name for _path, name in admin_paths()}
    assert set(ADMIN_RULES) <= names, sorted(set(ADMIN_RULES) - names)
    assert not set(ADMIN_RULES) & set(RULES)


def test_the_site_list_shows_only_ones_own_sites(db, client, world):
    for role, shown in [("applicant", []), ("finance", []), ("coordinator", [world.own.site])]:
        client_as(client, world, role)
        body = client.get(reverse("workspace_sites")).content.decode()
        for site in (world.own.site, world.other.site):
            assert (site.name in body) == (site in shown), (role, site.name)


def admin_paths():
    seen = []
    for route, name, _pattern in walk():
        if route.startswith(ADMIN_PREFIX):
            seen.append((sample_path(route), name or route))
    return seen


def test_every_admin_url_is_behind_sign_in_and_the_second_factor(db, client, world):
    """The admin rule, for each of Wagtail's and the project's admin URLs."""
    failures = []
    paths = admin_paths()
    assert len(paths) > 100
    for path, _name in paths:
        resolve(path)  # the sample really is one of the admin's URLs
    for who, wanted in ADMIN_RULE.items():
        role, _, state = who.partition("_")
        client_as(client, world, role, verified=state != "unverified")
        for path, name in paths:
            if name in ADMIN_PUBLIC:
                continue
            with transaction.atomic():
                response = client.get(path)
                transaction.set_rollback(True)
            got = outcome(response)
            # The admin's JSON API answers a refused person with 403 instead of a
            # redirect; either way nothing is shown.
            refused = {403}
            if name.startswith(ADMIN_REFUSED_WITH_404) and role != "anonymous":
                refused = {404, 405}
            if got != wanted and not (wanted == LOGIN and got in refused):
                failures.append((path, name, who, got))
    assert not failures, failures


@pytest.mark.parametrize("role", ["staff", "finance", "reviewer"])
def test_admin_people_reach_the_admin_home(db, client, world, role):
    client_as(client, world, role)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Content-Security-Policy" in response


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/admin/audit/", {"staff": 200, "finance": 200, "reviewer": REDIRECT}),
        ("/admin/invitations/", {"staff": 200, "finance": REDIRECT, "reviewer": REDIRECT}),
        ("/admin/users/", {"staff": 200, "finance": REDIRECT, "reviewer": REDIRECT}),
    ],
)
def test_project_admin_screens_by_role(db, client, world, url, expected):
    for role, wanted in expected.items():
        client_as(client, world, role)
        assert outcome(client.get(url)) == wanted, (url, role)
