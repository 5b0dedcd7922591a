"""The project's own PostgreSQL 15 + PostGIS cluster, kept in var/pgdata inside the checkout.

Used when DATABASE_URL is not set, so that a fresh machine needs no Docker and no system service.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from gisportal.paths import VAR_DIR

PG_BIN = Path(os.environ.get("GISPORTAL_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _cluster_home() -> Path:
    """var/ in the checkout; elsewhere only when run as root from a folder other users cannot enter."""
    if os.geteuid() != 0 or all(folder.stat().st_mode & 0o001 for folder in VAR_DIR.parents):
        return VAR_DIR
    return Path("/var/lib/gisportal") / hashlib.sha1(bytes(VAR_DIR), usedforsecurity=False).hexdigest()[:12]


CLUSTER_DIR = _cluster_home() / "pgdata"
# Socket and log: a folder the server's own user can write.
RUN_DIR = _cluster_home() / "pgrun"
LOG_FILE = RUN_DIR / "postgresql.log"
PORT_FILE = VAR_DIR / "pgport"
DATABASE = "gisportal"
# PostgreSQL refuses to run as root: as root we run the cluster as this system user.
SERVICE_USER = "gisportal-db"
EXTENSIONS = ("postgis", "postgis_raster", "pgrouting")
# A development/test cluster: fast commits over durability of the last few transactions.
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": f"'{RUN_DIR}'",
    "synchronous_commit": "off",
    "shared_buffers": "'512MB'",
    "maintenance_work_mem": "'512MB'",
    "work_mem": "'32MB'",
    "max_connections": "100",
    "max_wal_size": "'2GB'",
}


class ClusterError(RuntimeError):
    """The embedded cluster could not be set up or started."""


def database_url() -> str:
    """Connection URL of the embedded cluster (whether it runs or not)."""
    return f"postgis://postgres@127.0.0.1:{_port()}/{DATABASE}"


def is_running() -> bool:
    if not (CLUSTER_DIR / "PG_VERSION").exists():
        return False
    return _pg_ctl("status", check=False).returncode == 0


def start() -> str:
    """Initialise the cluster on first use, start it on a free port, create the database."""
    if not (PG_BIN / "postgres").exists():
        raise ClusterError(
            f"PostgreSQL 15 server not found in {PG_BIN}. Install it with:\n"
            "  apt-get install postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting"
        )
    if not (CLUSTER_DIR / "PG_VERSION").exists():
        _initdb()
    if not is_running():
        port = _free_port(preferred=_port())
        PORT_FILE.write_text(str(port))
        result = _pg_ctl("start", "-w", "-t", "60", "-l", str(LOG_FILE), "-o", f"-p {port}", check=False)
        if result.returncode != 0:
            raise ClusterError(f"PostgreSQL did not start; see {LOG_FILE}:\n{_tail(LOG_FILE)}")
    _create_database()
    return database_url()


def stop() -> None:
    if is_running():
        _pg_ctl("stop", "-m", "fast", "-w")


def status() -> str:
    if is_running():
        return f"running on port {_port()}: {database_url()}"
    if (CLUSTER_DIR / "PG_VERSION").exists():
        return f"stopped (cluster in {CLUSTER_DIR})"
    return "not initialised (run: gisportal db start)"


def _initdb() -> None:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    CLUSTER_DIR.parent.mkdir(parents=True, exist_ok=True)
    for folder in (CLUSTER_DIR, RUN_DIR):
        folder.mkdir(parents=True, exist_ok=True)
        if _runs_as_root():
            _ensure_service_user()
            shutil.chown(folder, SERVICE_USER, SERVICE_USER)
    _as_owner(
        str(PG_BIN / "initdb"),
        "-D",
        str(CLUSTER_DIR),
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    )
    with open(CLUSTER_DIR / "postgresql.conf", "a") as conf:
        conf.write("\n# gisportal embedded cluster\n")
        conf.writelines(f"{key} = {value}\n" for key, value in SERVER_SETTINGS.items())


def _create_database() -> None:
    exists = _psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'")  # noqa: S608 - a constant
    if exists.strip() != "1":
        _psql("postgres", f"CREATE DATABASE {DATABASE}")
    # template1 too, so that the test databases Django creates have the extensions.
    for database in ("template1", DATABASE):
        for extension in EXTENSIONS:
            _psql(database, f"CREATE EXTENSION IF NOT EXISTS {extension}")


def _psql(database: str, sql: str) -> str:
    result = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(_port()),
            "-U",
            "postgres",
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-tAc",
            sql,
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise ClusterError(f"psql failed: {sql}\n{result.stderr}")
    return result.stdout


def _pg_ctl(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return _as_owner(str(PG_BIN / "pg_ctl"), "-D", str(CLUSTER_DIR), *args, check=check)


def _as_owner(*command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    if _runs_as_root():
        command = ("runuser", "-u", SERVICE_USER, "--", *command)
    result = subprocess.run(command, capture_output=True, text=True, cwd="/")
    if check and result.returncode != 0:
        raise ClusterError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return result


def _runs_as_root() -> bool:
    return os.geteuid() == 0


def _ensure_service_user() -> None:
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER],
            check=True,
        )


def _port() -> int:
    try:
        return int(PORT_FILE.read_text())
    except (FileNotFoundError, ValueError):
        return 54329


def _free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise ClusterError("no free TCP port on 127.0.0.1")


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def main(argv: list[str]) -> int:
    """`gisportal db start|stop|status|url`."""
    actions = {"start": start, "stop": stop, "status": status, "url": database_url}
    if len(argv) != 1 or argv[0] not in actions:
        print("usage: gisportal db start|stop|status|url", file=sys.stderr)
        return 2
    try:
        output = actions[argv[0]]()
    except ClusterError as error:
        print(f"gisportal db {argv[0]}: {error}", file=sys.stderr)
        return 1
    if output:
        print(output)
    return 0
