"""The audit trail: append-only at every level, complete for roles and sign-ins, and
searchable and exportable by staff."""

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from grants.models import AuditEntry, InvitationKind
from grants.roles import Role
from grants.services.accounts import role_grant, role_revoke
from grants.services.audit import acting_as, audit_record
from tests import factories
from tests.auth import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(staff):
    return audit_record(actor=staff, action="test.recorded", obj=staff, after={"n": 1})


def test_an_entry_cannot_be_saved_again_or_deleted(entry):
    entry.action = "test.rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="test.rewritten")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.recorded"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE grants_auditentry SET action = 'test.rewritten' WHERE id = %s",
        "DELETE FROM grants_auditentry WHERE id = %s",
    ],
)
def test_the_database_itself_refuses_updates_and_deletes(entry, sql):
    """Raw SQL bypasses the model; the trigger still refuses, on SQLite and PostgreSQL."""
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, action="test.recorded").exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="TRUNCATE and its trigger exist on PostgreSQL only"
)
@pytest.mark.parametrize(
    "sql", ["TRUNCATE grants_auditentry", "TRUNCATE grants_auditentry RESTART IDENTITY CASCADE"]
)
def test_postgres_refuses_truncating_the_log(entry, sql):
    """TRUNCATE fires no row trigger; the statement trigger refuses it all the same."""
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The entry's deferred foreign-key checks would refuse TRUNCATE first ("pending
        # trigger events"); run them now so that the refusal comes from the guard.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql)
    assert AuditEntry.objects.filter(pk=entry.pk, action="test.recorded").exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="TRUNCATE and its trigger exist on PostgreSQL only"
)
def test_postgres_truncating_another_table_leaves_the_log_alone(entry):
    """Only the audit log is guarded: the trigger is on that table and no other."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'grants_auditentry'::regclass "
            "AND NOT tgisinternal ORDER BY tgname"
        )
        names = [row[0] for row in cursor.fetchall()]
        cursor.execute("TRUNCATE axes_accesslog")
    assert names == ["grants_audit_append_only", "grants_audit_no_truncate"]
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_entries_are_still_appended(entry, staff):
    audit_record(actor=staff, action="test.second", obj=staff)
    assert AuditEntry.objects.filter(action__startswith="test.").count() == 2


def test_role_grant_and_revoke_are_audited_with_actor_and_values(staff):
    person = factories.UserFactory()
    role_grant(user=person, role=Role.FINANCE, actor=staff)
    role_revoke(user=person, role=Role.FINANCE, actor=staff)
    granted = AuditEntry.objects.get(action="role.granted", object_id=str(person.pk))
    revoked = AuditEntry.objects.get(action="role.revoked", object_id=str(person.pk))
    assert granted.actor == staff and granted.after == {"role": "Finance"}
    assert revoked.actor == staff and revoked.before == {"role": "Finance"}


def test_membership_changed_from_the_group_side_is_audited_too(staff):
    person = factories.UserFactory()
    group = Group.objects.get(name="Program staff")
    with acting_as(staff):
        group.user_set.add(person)
        group.user_set.clear()
    actions = list(
        AuditEntry.objects.filter(object_id=str(person.pk), action__startswith="role.")
        .order_by("id")
        .values_list("action", "actor_id")
    )
    assert actions == [("role.granted", staff.pk), ("role.revoked", staff.pk)]


def test_making_an_administrator_is_audited(staff):
    person = factories.UserFactory()
    with acting_as(staff):
        person.is_superuser = True
        person.save()
    change = AuditEntry.objects.get(action="role.changed", object_id=str(person.pk))
    assert change.before == {"is_superuser": False} and change.after == {"is_superuser": True}
    assert change.actor == staff


def test_a_password_change_is_audited_without_the_hash(applicant):
    changes = AuditEntry.objects.filter(action="user.password_changed", object_id=str(applicant.pk))
    before = changes.count()
    applicant.set_password("another-long-passphrase")
    applicant.save()
    assert changes.count() == before + 1
    entry = changes.order_by("-id").first()
    assert entry.before == {} and entry.after == {}
    assert "another" not in str(entry.__dict__)


def test_failed_sign_in_and_lockout_are_audited(client, applicant, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("account_login"), {"username": applicant.email, "password": "wrong-password"}
        )
    failed = AuditEntry.objects.filter(action="auth.login_failed")
    assert failed.count() == settings.AXES_FAILURE_LIMIT
    assert failed.first().after == {"username": applicant.email}
    assert "wrong-password" not in str(list(failed.values()))
    assert AuditEntry.objects.filter(action="auth.locked_out").exists()


def test_sign_out_is_audited(client, applicant):
    login(client, applicant)
    client.post(reverse("account_logout"))
    assert AuditEntry.objects.filter(action="auth.logout", actor=applicant).exists()


def test_participant_entries_name_no_person(participant):
    entry = AuditEntry.objects.get(action="participant.added")
    assert "Núñez" not in entry.object_repr and "Jose" not in str(entry.after)


# The audit log in the admin.

AUDIT = "/admin/audit/"


def test_staff_filter_the_log_by_actor_object_and_date(client, staff, finance, applicant):
    login(client, staff)
    audit_record(actor=finance, action="money.moved", obj=applicant, after={"amount": "50.00"})
    audit_record(actor=staff, action="state.changed", obj=staff)
    by_actor = client.get(AUDIT, {"actor": "finance@"})
    assert [e.action for e in by_actor.context["object_list"]] == ["money.moved"]
    by_object = client.get(AUDIT, {"object_id": str(applicant.pk), "action": "money"})
    assert [e.action for e in by_object.context["object_list"]] == ["money.moved"]
    today = by_actor.context["object_list"][0].created_at.date().isoformat()
    by_date = client.get(AUDIT, {"created_at_from": today, "created_at_to": today})
    assert "money.moved" in [e.action for e in by_date.context["object_list"]]
    none = client.get(AUDIT, {"created_at_from": "2001-01-01", "created_at_to": "2001-01-02"})
    assert list(none.context["object_list"]) == []


def test_the_log_exports_formula_safe_and_the_export_is_audited(client, staff):
    login(client, staff)
    audit_record(actor=staff, action="test.recorded", obj=staff, note="=HYPERLINK(1)")
    response = client.get(AUDIT, {"export": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert "test.recorded" in body and "'=HYPERLINK(1)" in body
    export = AuditEntry.objects.get(action="personal_data.exported")
    assert export.actor == staff and export.after["export"] == "audit log"


def test_an_entry_is_inspectable_but_offers_no_edit_or_delete(client, staff, entry):
    login(client, staff)
    assert client.get(f"{AUDIT}inspect/{entry.pk}/").status_code == 200
    for suffix in ("edit", "delete"):
        assert client.get(f"{AUDIT}{suffix}/{entry.pk}/").status_code == 404
        assert client.post(f"{AUDIT}{suffix}/{entry.pk}/").status_code == 404
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_log_list_does_not_grow_queries_with_entries(
    client, staff, django_assert_max_num_queries
):
    login(client, staff)
    client.get(AUDIT)
    with django_assert_max_num_queries(60) as few:
        client.get(AUDIT)
    for n in range(20):
        audit_record(actor=staff, action=f"test.{n}", obj=staff)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(AUDIT)


def test_people_without_the_audit_permission_are_refused(client, reviewer, entry):
    login(client, reviewer)
    response = client.get(AUDIT)
    assert response.status_code == 302 and "audit" not in response["Location"]


# Role membership in the Wagtail admin.


def _user_form(user, **changes):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
    }
    data.update(changes)
    return data


def test_staff_grant_a_role_in_the_admin_and_it_is_audited(client, staff):
    person = factories.UserFactory()
    finance_group = Group.objects.get(name="Finance")
    login(client, staff)
    response = client.post(
        f"/admin/users/edit/{person.pk}/", _user_form(person, groups=[finance_group.pk])
    )
    assert response.status_code == 302, response.context["form"].errors
    assert person.groups.filter(name="Finance").exists()
    entry = AuditEntry.objects.get(action="role.granted", object_id=str(person.pk))
    assert entry.actor == staff and entry.after == {"role": "Finance"}


def test_reviewers_join_only_by_invitation_not_by_ticking_the_role(client, staff, unchanged):
    person = factories.UserFactory()
    reviewers = Group.objects.get(name="Reviewers")
    login(client, staff)
    with unchanged():
        response = client.post(
            f"/admin/users/edit/{person.pk}/", _user_form(person, groups=[reviewers.pk])
        )
    assert response.status_code == 200
    assert "join only by invitation" in response.content.decode()


def test_a_reviewer_role_can_be_taken_away_in_the_admin(client, staff, reviewer):
    login(client, staff)
    response = client.post(f"/admin/users/edit/{reviewer.pk}/", _user_form(reviewer, groups=[]))
    assert response.status_code == 302
    assert not reviewer.groups.exists()
    assert AuditEntry.objects.filter(action="role.revoked", object_id=str(reviewer.pk)).exists()


def test_staff_cannot_make_or_edit_administrators(client, staff, unchanged):
    admin = factories.UserFactory(is_superuser=True)
    person = factories.UserFactory()
    login(client, staff)
    form = client.get(f"/admin/users/edit/{person.pk}/").context["form"]
    assert "is_superuser" not in form.fields and "password1" not in form.fields
    # The flag is not on the form, so posting it changes nothing of the role.
    client.post(f"/admin/users/edit/{person.pk}/", _user_form(person, is_superuser="on"))
    with unchanged():
        assert client.get(f"/admin/users/edit/{admin.pk}/").status_code == 404
        assert client.post(f"/admin/users/edit/{admin.pk}/", _user_form(admin)).status_code == 404
    person.refresh_from_db()
    assert not person.is_superuser


def test_accounts_are_never_deleted_from_the_admin(client, staff, unchanged):
    person = factories.UserFactory()
    login(client, staff)
    with unchanged():
        assert client.post(f"/admin/users/delete/{person.pk}/").status_code == 404


def test_staff_invite_a_reviewer_from_the_admin(client, staff, django_capture_on_commit_callbacks):
    from django.core import mail

    login(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/invitations/new/", {"kind": InvitationKind.REVIEWER, "email": "R@Example.org"}
        )
    assert response.status_code == 302
    from grants.models import Invitation

    invitation = Invitation.objects.get(email="r@example.org")
    assert invitation.kind == InvitationKind.REVIEWER and invitation.invited_by == staff
    assert len(mail.outbox) == 1 and "/accounts/invitations/" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="invitation.created", actor=staff).exists()
    listing = client.get("/admin/invitations/")
    assert "r@example.org" in listing.content.decode()
    client.post(f"/admin/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_a_coordinator_invitation_needs_a_site(client, staff, unchanged):
    login(client, staff)
    with unchanged():
        response = client.post(
            "/admin/invitations/new/",
            {"kind": InvitationKind.SITE_COORDINATOR, "email": "c@example.org"},
        )
    assert response.status_code == 200
    assert "Choose the site" in response.content.decode()


def test_an_accepted_reviewer_invitation_grants_the_role_once(staff):
    from django.core.exceptions import ValidationError

    from grants.roles import is_reviewer
    from grants.services.invitations import invitation_accept, invitation_create

    _, token = invitation_create(kind=InvitationKind.REVIEWER, email="rev@example.org", actor=staff)
    person = factories.UserFactory(email="rev@example.org")
    invitation_accept(token=token, user=person)
    assert is_reviewer(person)
    entry = AuditEntry.objects.get(action="role.granted", object_id=str(person.pk))
    assert entry.actor == staff  # the inviter granted it
    with pytest.raises(ValidationError, match="already been used"):
        invitation_accept(token=token, user=person)


def test_invitations_expire_after_seven_days(staff):
    from datetime import timedelta

    import time_machine
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from grants.services.invitations import invitation_accept, invitation_create

    invitation, token = invitation_create(
        kind=InvitationKind.REVIEWER, email="late@example.org", actor=staff
    )
    assert invitation.expires_at - invitation.created_at < timedelta(days=7, seconds=1)
    assert invitation.expires_at - invitation.created_at > timedelta(days=6, hours=23)
    person = factories.UserFactory(email="late@example.org")
    with (
        time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)),
        pytest.raises(ValidationError, match="expired"),
    ):
        invitation_accept(token=token, user=person)
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        invitation_accept(token=token, user=person)
