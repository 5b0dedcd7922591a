"""What every benchmark needs: the cluster to run in, scratch database URLs, a free port."""

import os
import socket
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
GISPORTAL = ROOT / ".venv" / "bin" / "gisportal"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def cluster_url() -> str:
    """The database server the benchmarks create their scratch databases in (DATABASE_URL or the embedded one)."""
    url = (
        os.environ.get("DATABASE_URL")
        or subprocess.run([str(GISPORTAL), "db", "url"], capture_output=True, text=True, check=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    return url.replace("postgis://", "postgresql://", 1)


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def copy_dev_database(url: str, name: str) -> str:
    """A fresh copy of the dev database (pg_dump | psql) named `name`; returns its URL."""
    drop_database(url, name)
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    copy = with_database(url, name)
    dump = subprocess.Popen([str(PG_BIN / "pg_dump"), "--no-owner", "-d", url], stdout=subprocess.PIPE)
    subprocess.run(
        [str(PG_BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", copy],
        stdin=dump.stdout,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    if dump.wait() != 0:
        raise SystemExit("pg_dump of the dev database failed")
    return copy


def drop_database(url: str, name: str) -> None:
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
