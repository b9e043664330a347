"""Attempts to break in: sessions, redirects, password reset, headers, production
settings, email headers, rich text, disguised uploads and private files."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.files import validate_upload
from grants.sanitize import sanitize_html
from grants.services.email import email_queue
from tests import factories
from tests.auth import login
from tests.uploads import pdf

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
OFF_SITE = ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]


# Sign-in and sessions.


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_redirects_off_site(client, applicant, target):
    response = client.post(
        f"{reverse('account_login')}?next={target}",
        {"username": applicant.email, "password": factories.PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal_home")


def test_sign_in_follows_a_next_on_this_site(client, applicant):
    response = client.post(
        reverse("account_login"),
        {"username": applicant.email, "password": factories.PASSWORD, "next": "/portal/"},
    )
    assert response["Location"] == "/portal/"


def test_lockout_after_repeated_failures_holds_for_the_right_password(client, applicant, settings):
    url = reverse("account_login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert (
            client.post(url, {"username": applicant.email, "password": "nope"}).status_code == 200
        )
    # One failure short of the limit, the right password still works.
    ok = client.post(url, {"username": applicant.email, "password": factories.PASSWORD})
    assert ok.status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": applicant.email, "password": "nope"})
    locked = client.post(url, {"username": applicant.email, "password": factories.PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_password_validators_refuse_weak_passwords():
    from django.contrib.auth.password_validation import validate_password

    user = factories.UserFactory.build(email="kim.lee@example.org", first_name="Kim")
    for weak in ("short", "1234567890123", "password1234", "kim.lee@example.org"):
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("a-long-unusual-passphrase", user)


def test_sessions_expire_after_an_hour_without_activity(client, applicant, settings):
    import time_machine
    from django.utils import timezone

    assert settings.SESSION_COOKIE_AGE == 3600 and settings.SESSION_SAVE_EVERY_REQUEST
    login(client, applicant)
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=50)):
        assert client.get(reverse("portal_home")).status_code == 200  # activity extends it
    with time_machine.travel(start + timedelta(minutes=100)):
        assert client.get(reverse("portal_home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=161)):
        response = client.get(reverse("portal_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_session_needs_the_second_factor_again_after_signing_in_anew(client, staff):
    login(client, staff)
    assert client.get("/admin/").status_code == 200
    client.logout()
    client.force_login(staff)  # password only
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_password_reset_reveals_nothing_about_accounts(
    client, applicant, django_capture_on_commit_callbacks
):
    url = reverse("password_reset")
    known = client.post(url, {"email": applicant.email})
    unknown = client.post(url, {"email": "nobody-here@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    page_known = client.get(known["Location"]).content.decode()
    page_unknown = client.get(unknown["Location"]).content.decode()
    assert page_known == page_unknown
    assert [m.to for m in mail.outbox] == [[applicant.email]]


def test_a_reset_link_works_once(client, applicant):
    client.post(reverse("password_reset"), {"email": applicant.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link[link.index("/accounts/reset/") :].strip()
    form = client.get(path, follow=True)
    set_url = form.redirect_chain[-1][0]
    new = {"new_password1": "a-fresh-long-passphrase", "new_password2": "a-fresh-long-passphrase"}
    assert client.post(set_url, new).status_code == 302
    again = client.get(path, follow=True)
    assert again.context["validlink"] is False


# Headers and production settings.


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/grant-sites/", "/accounts/register/"])
def test_pages_carry_the_security_headers(client, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts(client, applicant):
    import re

    login(client, applicant)
    for url in ("/", "/accounts/login/", reverse("portal_home"), reverse("organization_list")):
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, f"{url} has an inline script: {tag}"
        assert not re.search(r"\son[a-z]+\s*=", html), f"{url} has an inline event handler"


def test_only_the_admin_relaxes_the_policy(client, staff):
    login(client, staff)
    admin_policy = client.get("/admin/")["Content-Security-Policy"]
    assert "'unsafe-inline'" in admin_policy and "frame-ancestors 'none'" in admin_policy
    portal_policy = client.get(reverse("portal_home"))["Content-Security-Policy"]
    assert "'unsafe-inline'" not in portal_policy


def _production_env(**extra):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-check-0123456789-abcdefghij",
        "ALLOWED_HOSTS": "grants.example.org",
        "DATABASE_URL": "sqlite:////tmp/pilot-grants-deploy-check.sqlite3",
        **extra,
    }
    # The test run's own switches are not part of a deployment.
    for name in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    return env


def test_check_deploy_is_clean_with_the_production_settings():
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = _production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_settings_secure_cookies_and_hsts():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SESSION_COOKIE_HTTPONLY, s.DEBUG)"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["True"] * 6 + ["False"], result.stderr


def test_hsts_is_sent_over_https_in_production(settings, client):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


# Input.


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Hi <script>alert(1)</script></p>", "<p>Hi </p>"),
        ('<img src="x" onerror="alert(1)">', ""),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
        ('<p style="color:red" onclick="x()">ok</p>', "<p>ok</p>"),
        ("<iframe src='https://evil.example'></iframe>", ""),
        ("<svg><script>alert(1)</script></svg>", ""),
        ("<strong>bold</strong> <em>it</em>", "<strong>bold</strong> <em>it</em>"),
    ],
)
def test_rich_text_is_cut_to_the_allow_list(dirty, clean):
    assert sanitize_html(dirty) == clean


def test_an_email_subject_cannot_inject_headers(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_queue(
            key="inject",
            to="someone@example.org",
            subject="Hello\r\nBcc: victim@example.org\nX-Evil: 1",
            body="Body",
        )
    message = mail.outbox[0]
    assert "\n" not in message.subject and "\r" not in message.subject
    raw = message.message().as_string()
    assert "\nBcc:" not in raw and "\nX-Evil:" not in raw
    assert message.recipients() == ["someone@example.org"]


def test_an_invitation_for_a_crafted_name_keeps_one_subject_line(organization, applicant):
    from grants.models import InvitationKind, OutboundEmail
    from grants.services.invitations import invitation_create

    organization.legal_name = "Evil\r\nBcc: victim@example.org"
    organization.save()
    invitation_create(
        kind=InvitationKind.ORGANIZATION_MEMBER,
        email="colleague@example.org",
        organization=organization,
        actor=applicant,
    )
    subject = OutboundEmail.objects.get().subject
    assert "\n" not in subject and "\r" not in subject


def _upload(name, content, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    "content",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"<!DOCTYPE html><html><body>%PDF-1.4<script>alert(1)</script></body></html>",
        b"  %PDF-1.4 with a space first",
        b"GIF89a%PDF-1.4",
        b"PK\x03\x04 not really a package",
    ],
)
def test_disguised_uploads_are_refused(content):
    with pytest.raises(ValidationError, match="not an accepted type"):
        validate_upload(_upload("letter.pdf", content))


def test_an_upload_over_the_limit_is_refused_before_it_is_read():
    big = pdf()
    big.size = 10 * 1024 * 1024 + 1
    with pytest.raises(ValidationError, match="limit"):
        validate_upload(big)


def test_a_real_pdf_is_accepted():
    assert validate_upload(pdf()).extension == "pdf"


def test_private_files_are_unreachable_by_path_and_served_only_after_the_check(
    client, private_media, draft, applicant
):
    from grants.services.attachments import application_attachment_add

    attachment = application_attachment_add(application=draft, upload=pdf(), actor=applicant)
    name = attachment.file.name
    assert (private_media / name).exists()
    assert not str(private_media).startswith(str(django_settings.MEDIA_ROOT))
    for signed_in in (False, True):
        if signed_in:
            login(client, applicant)
        for guess in (f"/media/{name}", f"/private/{name}", f"/{name}", f"/var/private/{name}"):
            response = client.get(guess)
            assert response.status_code in (302, 404), guess
            assert b"%PDF" not in response.content


def test_a_private_download_is_an_attachment_with_nosniff(client, private_media, draft, applicant):
    from grants.services.attachments import application_attachment_add

    attachment = application_attachment_add(application=draft, upload=pdf(), actor=applicant)
    url = reverse("application_attachment", args=[draft.public_id, attachment.pk])
    stranger = factories.UserFactory()
    login(client, stranger)
    assert client.get(url).status_code == 404
    login(client, applicant)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]


def test_csrf_is_enforced_on_actions(applicant, organization):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    login(strict, applicant)
    response = strict.post(
        reverse("organization_invite", args=[organization.slug]), {"email": "x@example.org"}
    )
    assert response.status_code == 403
    assert not organization.invitations.exists()
