"""One archive holds what a restore needs: the database (pg_dump's custom format), the public media (citizens'
photos), the private uploads and import reports, and the key the participants' ID hashes were made with.

Its manifest lists every member's SHA-256 and every table's row count and fingerprint, all taken from the
snapshot pg_dump dumps: a restore proves, table by table, that it holds what was backed up.
"""

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings

from gisportal.embedded_db import PG_BIN
from gisportal.paths import VAR_DIR

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
KEY = "keys/secret_key"
# PostGIS's own table: its rows come with the extension, not with the portal's data.
NOT_DATA = ("spatial_ref_sys",)
Progress = Callable[[str], None]


class BackupError(RuntimeError):
    """The archive could not be written or restored; the message says why and what was left untouched."""


@dataclass(frozen=True)
class Folders:
    """Where the files live: MEDIA_ROOT (public photos) and the private uploads and import reports."""

    media: Path
    private: Path

    @classmethod
    def configured(cls) -> "Folders":
        from etl.models import PRIVATE_FILES

        return cls(Path(settings.MEDIA_ROOT), Path(PRIVATE_FILES.location))

    def items(self) -> list[tuple[str, Path]]:
        return [("media", self.media), ("private", self.private)]


def connection_params(database: str | None = None) -> dict[str, Any]:
    db = settings.DATABASES["default"]
    params = {"dbname": database or db["NAME"], "user": db["USER"], "host": db["HOST"], "port": db["PORT"]}
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]
    return {key: value for key, value in params.items() if value not in ("", None)}


def _environment(params: dict[str, Any]) -> dict[str, str]:
    """libpq's variables for pg_dump and pg_restore: the password never appears on a command line."""
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "host": "PGHOST", "port": "PGPORT", "password": "PGPASSWORD"}
    return {**os.environ, **{names[key]: str(value) for key, value in params.items()}}


def fingerprints(cursor: Any) -> dict[str, list[Any]]:  # a psycopg or a Django cursor
    """Every table of the portal's schema: [rows, digest of its rows in a stable order]."""
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND NOT tablename = ANY(%s) ORDER BY tablename",
        [list(NOT_DATA)],
    )
    tables = [name for (name,) in cursor.fetchall()]
    result: dict[str, list[Any]] = {}
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) FROM {quoted} t"  # noqa: S608 (a table name from the catalogue, quoted)
        )
        rows, digest = cursor.fetchone()  # type: ignore[misc]
        result[table] = [rows, digest]
    return result


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        yield from sorted(path for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


def create(target: Path, *, folders: Folders | None = None, progress: Progress = print) -> Path:
    """Write one archive (and its .sha256 beside it) into `target`, a folder; returns the archive's path."""
    folders = folders or Folders.configured()
    params = connection_params()
    target.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    archive = target / f"gisportal-{params['dbname']}-{stamp}.tar"
    partial = archive.with_suffix(".tar.partial")  # renamed only when complete: a failed run leaves no archive
    members: dict[str, str] = {}
    try:
        with tempfile.TemporaryDirectory(dir=target) as scratch, psycopg.connect(**params) as snapshot:
            snapshot.isolation_level, snapshot.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
            snapshot_id = snapshot.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
            dump = Path(scratch) / DUMP
            progress("Dumping the database …")
            _run(
                [str(PG_BIN / "pg_dump"), "--format=custom", f"--snapshot={snapshot_id}", f"--file={dump}"],
                params,
                "pg_dump",
            )
            progress("Fingerprinting every table …")
            tables = fingerprints(snapshot.cursor())
            snapshot.rollback()
            with tarfile.open(partial, "w") as tar:
                members[DUMP] = _add(tar, dump, DUMP)
                for name, folder in folders.items():
                    files = list(_files(folder))
                    progress(f"Adding {len(files)} files of {name}/ …")
                    for path in files:
                        arcname = f"{name}/{path.relative_to(folder).as_posix()}"
                        members[arcname] = _add(tar, path, arcname)
                key = VAR_DIR / "secret_key"
                if key.is_file() and not os.environ.get("DJANGO_SECRET_KEY"):
                    members[KEY] = _add(tar, key, KEY)
                manifest = {
                    "format": FORMAT,
                    "created": stamp,
                    "database": params["dbname"],
                    "members": members,
                    "tables": tables,
                }
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(data), int(datetime.now(UTC).timestamp())
                tar.addfile(info, io.BytesIO(data))
        partial.rename(archive)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    Path(f"{archive}.sha256").write_text(f"{_sha256(archive)}  {archive.name}\n")
    rows = sum(count for count, _digest in tables.values())
    progress(f"{archive}: {len(tables)} tables, {rows} rows, {len(members) - 1} files, {archive.stat().st_size} bytes")
    return archive


def _add(tar: tarfile.TarFile, path: Path, arcname: str) -> str:
    tar.add(path, arcname=arcname, recursive=False)
    return _sha256(path)


def _run(command: list[str], params: dict[str, Any], what: str) -> None:
    result = subprocess.run(command, env=_environment(params), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[-2000:]}")


@contextmanager
def _opened(archive: Path) -> Iterator[tuple[tarfile.TarFile, dict[str, Any]]]:
    """The archive with its manifest, once its checksum (if beside it) and format are known to be right."""
    if not archive.is_file():
        raise BackupError(f"No archive at {archive}.")
    checksum = Path(f"{archive}.sha256")
    if checksum.is_file() and checksum.read_text().split()[0] != _sha256(archive):
        raise BackupError(f"{archive.name} does not match its checksum ({checksum.name}): it is damaged.")
    try:
        with tarfile.open(archive, "r") as tar:
            manifest = json.load(tar.extractfile(MANIFEST))  # type: ignore[arg-type]
            if manifest.get("format") != FORMAT:
                raise BackupError(f"{archive.name} is in backup format {manifest.get('format')}, not {FORMAT}.")
            yield tar, manifest
    except (tarfile.TarError, KeyError, json.JSONDecodeError) as error:
        raise BackupError(f"{archive.name} is not a gisportal backup: {error}") from None


def restore(
    archive: Path, *, database: str | None = None, folders: Folders | None = None, progress: Progress = print
) -> dict[str, list[Any]]:
    """Restore an archive into an empty database and empty file folders; returns the verified table fingerprints.

    Refuses, before touching anything, a damaged archive, a database that already has tables, or a folder that
    already holds files.
    """
    folders = folders or Folders.configured()
    params = connection_params(database)
    with _opened(archive) as (tar, manifest):
        with psycopg.connect(**params) as target:
            held = target.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND NOT tablename = ANY(%s)",
                [list(NOT_DATA)],
            ).fetchone()[0]  # type: ignore[index]
        if held:
            raise BackupError(
                f"The database {params['dbname']} already holds {held} tables: restore into an empty one."
            )
        for name, folder in folders.items():
            if any(_files(folder)):
                raise BackupError(f"{folder} already holds files: restore the {name}/ files into an empty folder.")
        folders.media.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folders.media.parent) as scratch:  # beside them: files move, not copy
            staging = Path(scratch)
            progress("Checking every file of the archive …")
            for member in tar.getmembers():
                if member.name == MANIFEST:
                    continue
                expected = manifest["members"].get(member.name)
                if expected is None or not member.isfile():
                    raise BackupError(f"{archive.name} holds {member.name!r}, which its manifest does not list.")
                tar.extract(member, staging, filter="data")  # no absolute paths, no "..", no links out
                if _sha256(staging / member.name) != expected:
                    raise BackupError(f"{member.name} in {archive.name} does not match its checksum: it is damaged.")
            missing = set(manifest["members"]) - {m.name for m in tar.getmembers()}
            if missing:
                raise BackupError(f"{archive.name} lacks {len(missing)} files its manifest lists, e.g. {min(missing)}.")
            progress(f"Restoring the database into {params['dbname']} …")
            _run(
                [
                    str(PG_BIN / "pg_restore"),
                    "--exit-on-error",
                    "--single-transaction",
                    "--no-owner",
                    f"--dbname={params['dbname']}",
                    str(staging / DUMP),
                ],
                params,
                "pg_restore",
            )
            with psycopg.connect(**params) as restored:
                tables = fingerprints(restored.cursor())
            different = sorted(
                t for t in set(tables) | set(manifest["tables"]) if tables.get(t) != manifest["tables"].get(t)
            )
            if different:
                raise BackupError(
                    f"The restored database differs from the backup in {len(different)} tables: "
                    + ", ".join(different[:10])
                )
            for name, folder in folders.items():
                if (staging / name).is_dir():
                    folder.mkdir(parents=True, exist_ok=True)
                    for path in sorted((staging / name).iterdir()):
                        shutil.move(path, folder / path.name)
            if (staging / KEY).is_file():
                _restore_key(staging / KEY, progress)
    progress(
        f"Restored {len(tables)} tables ({sum(rows for rows, _ in tables.values())} rows), every one as backed up."
    )
    return tables


def _restore_key(key: Path, progress: Progress) -> None:
    """The secret key the ID hashes were made with: without it, a participant's ID would no longer be recognised."""
    current = VAR_DIR / "secret_key"
    if os.environ.get("DJANGO_SECRET_KEY") or os.environ.get("GISPORTAL_PARTICIPANTS_HASH_KEY"):
        progress("The key in the archive was not restored: this machine's key comes from its environment.")
    elif current.is_file() and current.read_bytes() != key.read_bytes():
        progress(f"{current} differs from the archive's key: kept; participants' ID hashes need the archive's one.")
    else:
        current.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(key, current)
        current.chmod(0o600)
