"""What every benchmark needs: the cluster to run in, scratch database URLs, a free port."""

import os
import socket
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
GISPORTAL = ROOT / ".venv" / "bin" / "gisportal"


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
