"""import_roster and import_attempts: the web flow's rules, every error with its row, a
non-zero exit and nothing written on any error."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sites.models import Attempt, Participant
from tests.sites.imports import ATTEMPT_HEADER, ROSTER_HEADER

pytestmark = pytest.mark.django_db


def write(tmp_path, name, lines, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return str(path)


def test_import_roster_then_attempts(site, tmp_path, capsys):
    roster = write(
        tmp_path,
        "roster.csv",
        [ROSTER_HEADER, "José,Núñez,jose@example.org,teacher,Bellevue,,4512"],
        encoding="cp1252",
    )
    call_command("import_roster", site.slug, roster, "--dry-run")
    assert "Would import 1 rows" in capsys.readouterr().out
    assert not Participant.objects.exists()
    call_command("import_roster", site.slug, roster)
    assert "Imported 1 rows" in capsys.readouterr().out
    assert Participant.objects.get().full_name == "José Núñez"
    attempts = write(
        tmp_path, "a.csv", [ATTEMPT_HEADER, "jose@example.org,ECS,1,2026-10-01,earned"]
    )
    call_command("import_attempts", site.slug, attempts)
    assert Attempt.objects.get().clock_hours.hours == 20


def test_errors_print_every_row_and_exit_non_zero(site, tmp_path, capsys, unchanged):
    roster = write(
        tmp_path,
        "roster.csv",
        [
            ROSTER_HEADER,
            "Ann,Lee,ann@example.org,wizard,Bellevue,,",
            "Bo,Kim,bo@example.org,teacher,Atlantis,,",
        ],
    )
    with unchanged(), pytest.raises(CommandError, match="2 errors; nothing was imported"):
        call_command("import_roster", site.slug, roster)
    err = capsys.readouterr().err
    assert 'Row 2, column role: "wizard" is not a role' in err
    assert 'Row 3, column district: "Atlantis" is not in the district directory.' in err


def test_unknown_site_or_file_exit_non_zero(site, tmp_path):
    with pytest.raises(CommandError, match="No grant site"):
        call_command("import_roster", "nowhere", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="No file"):
        call_command("import_attempts", site.slug, str(tmp_path / "missing.csv"))


def test_the_exit_code_is_non_zero_from_the_shell(site, tmp_path):
    """A CommandError exits with status 1 when run as a program."""
    roster = write(tmp_path, "bad.csv", [ROSTER_HEADER, "A,B,not-an-email,teacher,Bellevue,,"])
    with pytest.raises(SystemExit) as exit_info:
        from django.core.management import ManagementUtility

        ManagementUtility(["manage.py", "import_roster", site.slug, roster]).execute()
    assert exit_info.value.code == 1
