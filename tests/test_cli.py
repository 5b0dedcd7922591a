"""The `gisportal` command: the embedded cluster and manage.py's commands behind one name."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gisportal import embedded_db

GISPORTAL = Path(sys.executable).parent / "gisportal"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(GISPORTAL), *args], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif("DATABASE_URL" in os.environ, reason="an external database is configured")
def test_db_status_reports_the_running_embedded_cluster():
    result = run("db", "status")
    assert result.returncode == 0
    assert result.stdout.startswith("running on port ")
    assert embedded_db.database_url() in result.stdout


def test_db_rejects_an_unknown_action():
    result = run("db", "destroy")
    assert result.returncode == 2
    assert "usage: gisportal db start|stop|status|url" in result.stderr


def test_manage_py_commands_pass_through():
    result = run("check", "--deploy", "--fail-level", "CRITICAL")
    assert result.returncode == 0, result.stderr
    assert "load_demo" in run("help").stdout
    assert "[layers]" in run("help").stdout


def test_migrations_are_complete():
    result = run("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_command_the_readme_names_exists():
    """`gisportal export-map` is the `export_map` command (gisportal.cli): a file named with a hyphen is unreachable."""
    from django.core.management import get_commands

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(?:\.venv/bin/)?gisportal ([a-z][a-z0-9_-]*)", readme)) - {"db"}
    assert named, "the README names no command"
    missing = sorted(name for name in named if name.replace("-", "_") not in get_commands())
    assert missing == []
