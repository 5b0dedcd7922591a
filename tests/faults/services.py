"""Real services a fault test can break: a scratch PostgreSQL cluster of its own (the suite's cluster is shared
by every other test) and the portal under gunicorn pointed at it."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from gisportal import embedded_db
from gisportal.paths import BASE_DIR
from tests.complaints.conftest import TOZEUR_LAT, TOZEUR_LON


def _free_port() -> int:
    return embedded_db._free_port(preferred=0)


@dataclass
class ScratchCluster:
    """A throwaway cluster holding the test database's schema, started, stopped and restarted at will."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(dir=embedded_db.CLUSTER_DIR.parent)))
    port: int = field(default_factory=_free_port)

    @property
    def url(self) -> str:
        return f"postgis://postgres@127.0.0.1:{self.port}/portal"

    def create(self) -> None:
        data, run = self.root / "pgdata", self.root / "pgrun"
        for folder in (self.root, run):
            folder.mkdir(exist_ok=True)
            if embedded_db._runs_as_root():  # PostgreSQL refuses root: its own system user, as the embedded one
                shutil.chown(folder, embedded_db.SERVICE_USER, embedded_db.SERVICE_USER)
        initdb = [str(embedded_db.PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
        embedded_db._as_owner(*initdb)
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(f"listen_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{run}'\n")
            conf.write("fsync = off\nsynchronous_commit = off\n")
        self.start()
        self.psql("postgres", "CREATE DATABASE portal")
        schema = subprocess.run(  # the suite's test database, schema only: every table the pages read
            [
                str(embedded_db.PG_BIN / "pg_dump"),
                "--schema-only",
                "--no-owner",
                settings.DATABASES["default"]["TEST"]["NAME"],
            ],
            env={**os.environ, "PGHOST": "127.0.0.1", "PGPORT": str(embedded_db._port()), "PGUSER": "postgres"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        subprocess.run(
            [
                "psql",
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                "portal",
                "-v",
                "ON_ERROR_STOP=1",
            ],
            input=schema,
            capture_output=True,
            text=True,
            check=True,
        )

    def psql(self, database: str, sql: str) -> None:
        command = ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database, "-c", sql]
        subprocess.run(command, capture_output=True, check=True)

    def pg_ctl(self, *args: str) -> None:
        command = [str(embedded_db.PG_BIN / "pg_ctl"), "-D", str(self.root / "pgdata"), *args]
        if embedded_db._runs_as_root():
            command = ["runuser", "-u", embedded_db.SERVICE_USER, "--", *command]
        # No pipes: a server started by pg_ctl may keep them open, and the wait for their end would never return.
        subprocess.run(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
        )

    def start(self) -> None:
        self.pg_ctl("start", "-w", "-t", "60", "-l", str(self.root / "pgrun" / "log"))

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast", "-w")

    def destroy(self) -> None:
        if (self.root / "pgdata" / "postmaster.pid").exists():
            self.pg_ctl("stop", "-m", "immediate", "-w")
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class ScratchReplica(ScratchCluster):
    """A hot standby of a scratch cluster, by streaming replication (pg_basebackup + standby.signal)."""

    primary: ScratchCluster | None = None

    def create(self) -> None:
        assert self.primary is not None
        data, run = self.root / "pgdata", self.root / "pgrun"
        run.mkdir(exist_ok=True)
        if embedded_db._runs_as_root():
            for folder in (self.root, run):
                shutil.chown(folder, embedded_db.SERVICE_USER, embedded_db.SERVICE_USER)
        # -R writes standby.signal and the primary's address; -X stream: the WAL of the copy itself comes along.
        basebackup = [str(embedded_db.PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary.port)]
        embedded_db._as_owner(*basebackup, "-U", "postgres", "-D", str(data), "-R", "-X", "stream", "-c", "fast")
        with open(data / "postgresql.conf", "a") as conf:  # the primary's settings came along: the last line wins
            conf.write(f"port = {self.port}\nunix_socket_directories = '{run}'\nhot_standby = on\n")
        self.start()

    def query(self, sql: str) -> str:
        command = ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "portal", "-tAc", sql]
        return subprocess.run(command, capture_output=True, check=True, text=True).stdout.strip()


@dataclass
class Portal:
    """gunicorn serving the portal on a free port, with the database at `database_url`."""

    database_url: str
    port: int = field(default_factory=_free_port)
    env: dict[str, str] = field(default_factory=dict)  # more of the portal's environment (REDIS_URL, ...)
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(default_factory=lambda: Path(tempfile.mkstemp(prefix="portal-", suffix=".log")[1]))

    def start(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "DJANGO_DEBUG": "false",
            "GISPORTAL_CONN_MAX_AGE": "60",  # persistent connections: they must survive the restart too
            "DJANGO_SETTINGS_MODULE": "gisportal.settings",
            **self.env,
        }
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        bind = f"127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [gunicorn, "gisportal.wsgi", "--bind", bind, "--workers", "1", "--threads", "2", "--timeout", "30"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("wb"),  # what the portal logged, for a failing test's message
        )
        self.wait_until_ok("/healthz", seconds=60)

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], str]:
        data = urllib.parse.urlencode(fields).encode()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", data=data, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def wait_until_ok(self, path: str, *, seconds: float) -> float:
        """Seconds until `path` answers 200 (polling every 0.2 s), or AssertionError after `seconds`."""
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            try:
                if self.get(path)[0] == 200:
                    return time.monotonic() - started
            except (ConnectionError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        raise AssertionError(f"{path} did not answer 200 within {seconds} s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)


def suite_database_url() -> str:
    """The suite's own test database, for a process of the portal that must see what a transactional test wrote."""
    db = settings.DATABASES["default"]
    return f"postgis://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@dataclass
class Redis:
    """redis-server on a free port, no persistence, stopped and started again at will."""

    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            raise RuntimeError("redis-server is not installed (scripts/install-system-packages.sh --with-dev-tools)")
        command = [server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = time.monotonic()
        while time.monotonic() - started < 15:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("redis-server did not answer within 15 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)


def open311_report(key: str, n: int, email: str = "amel@example.org") -> dict[str, str]:
    """The n-th Open311 report of a full container in Tozeur, sent with the API key `key`."""
    return {
        "api_key": key,
        "service_code": "waste",
        "lat": str(TOZEUR_LAT),
        "long": str(TOZEUR_LON),
        "description": f"Conteneur plein rue Ibn Chabbat, le {n}e",
        "email": email,
    }
