"""`gisportal backup` and `gisportal restore`: the demo data round-trips, table by table; a damaged archive or a
database already in use is refused before anything is written."""

import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from etl.demo import load_demo
from etl.models import PRIVATE_FILES
from gisportal.backups import archive
from layers.models import Municipality

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump reads what is committed


@pytest.fixture
def spare_database():
    """An empty database beside the test one, with the extensions (from template1), dropped afterwards."""
    name = settings.DATABASES["default"]["NAME"] + "_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE template1')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def folders(root: Path) -> archive.Folders:
    return archive.Folders(root / "media", root / "private")


def live_fingerprints() -> dict:
    with connection.cursor() as cursor:
        return archive.fingerprints(cursor)


def test_the_demo_data_round_trips(tmp_path, spare_database):
    load_demo(progress=lambda _message: None)
    here = folders(tmp_path / "here")
    (here.media / "complaints" / "2026").mkdir(parents=True)
    (here.media / "complaints" / "2026" / "photo.jpg").write_bytes(b"\xff\xd8 a photo \xff\xd9")
    (here.private / "imports").mkdir(parents=True)
    (here.private / "imports" / "report.csv").write_text("row,reason\n3,outside the municipality\n")
    before = live_fingerprints()

    made = archive.create(tmp_path / "backups", folders=here, progress=lambda _message: None)
    assert made.with_name(made.name + ".sha256").read_text().split()[1] == made.name

    there = folders(tmp_path / "there")
    restored = archive.restore(made, database=spare_database, folders=there, progress=lambda _message: None)
    assert restored == before  # every table: its rows and the digest of its rows
    assert restored["layers_municipality"][0] == Municipality.objects.count() == 350
    assert (there.media / "complaints" / "2026" / "photo.jpg").read_bytes() == b"\xff\xd8 a photo \xff\xd9"
    assert (there.private / "imports" / "report.csv").read_text().startswith("row,reason")

    # Restoring twice is refused: the database now holds the tables.
    with pytest.raises(archive.BackupError, match="already holds"):
        archive.restore(made, database=spare_database, folders=folders(tmp_path / "again"))


def test_a_damaged_archive_is_refused_and_nothing_is_restored(tmp_path, spare_database, tozeur):
    made = archive.create(tmp_path, folders=folders(tmp_path / "here"), progress=lambda _message: None)
    data = bytearray(made.read_bytes())
    data[len(data) // 3] ^= 0xFF  # one byte flipped, in the dump
    made.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(made), "--database", spare_database)
    made.with_name(made.name + ".sha256").unlink()  # without the checksum beside it, the manifest still catches it
    with pytest.raises(archive.BackupError, match="damaged"):
        archive.restore(made, database=spare_database, folders=folders(tmp_path / "there"))
    assert not (tmp_path / "there" / "media").exists()
    with pytest.raises(archive.BackupError, match="No archive at"):
        archive.restore(tmp_path / "missing.tar", database=spare_database)


def test_files_are_never_restored_over_existing_ones(tmp_path, spare_database, tozeur):
    made = archive.create(tmp_path, folders=folders(tmp_path / "here"), progress=lambda _message: None)
    there = folders(tmp_path / "there")
    there.media.mkdir(parents=True)
    (there.media / "kept.jpg").write_bytes(b"mine")
    with pytest.raises(archive.BackupError, match="already holds files"):
        archive.restore(made, database=spare_database, folders=there)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # the test database still answers; the spare one was never written
    assert (there.media / "kept.jpg").read_bytes() == b"mine"


def test_the_commands_write_and_read_an_archive(tmp_path, spare_database, tozeur, capsys, settings, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(PRIVATE_FILES, "location", str(tmp_path / "private"))
    call_command("backup", "--to", str(tmp_path / "out"))
    made = next((tmp_path / "out").glob("*.tar"))
    assert f"{made}:" in capsys.readouterr().out
    with tarfile.open(made) as tar:
        assert archive.KEY in tar.getnames()  # the key the participants' ID hashes were made with
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    monkeypatch.setattr(PRIVATE_FILES, "location", str(tmp_path / "restored-private"))
    call_command("restore", str(made), "--database", spare_database)
    assert "every one as backed up" in capsys.readouterr().out
