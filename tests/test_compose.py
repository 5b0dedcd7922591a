"""docker-compose.yml: valid for Compose, and the stack is wired as documented (no Docker engine needed).

Validation uses `docker compose` (v2 plugin) when it works, else `docker-compose` (v1.29, Debian's package),
else the tests are skipped. The structural checks read the tool's normalised `config` output, so they see
what Compose itself sees (anchors merged, variables interpolated, short forms expanded).
"""

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
# Variables the file reads: cleared so that the caller's environment cannot change the outcome.
VARIABLE_PREFIXES = ("DJANGO_", "POSTGRES_", "GISPORTAL_", "COMPOSE_", "WEB_CONCURRENCY")
SECRET_KEY = "test-only-secret-key"

Runner = Callable[..., subprocess.CompletedProcess[str]]


def compose_command() -> list[str]:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    if legacy := shutil.which("docker-compose"):
        return [legacy]
    pytest.skip(
        "cannot validate docker-compose.yml: neither `docker compose` (Compose v2 plugin) nor `docker-compose` "
        "is installed (on Debian: apt-get install docker-compose)"
    )


@pytest.fixture(scope="module")
def compose(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    command = compose_command()
    # An empty env file (docker-compose 1.29 wants a regular file), so that a developer's .env is not read.
    env_file = tmp_path_factory.mktemp("compose") / "empty.env"
    env_file.write_text("")

    def run(*args: str, with_secret_key: bool = True) -> subprocess.CompletedProcess[str]:
        env = {name: value for name, value in os.environ.items() if not name.startswith(VARIABLE_PREFIXES)}
        if with_secret_key:
            env["DJANGO_SECRET_KEY"] = SECRET_KEY
        return subprocess.run(
            [*command, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )

    return run


@pytest.fixture(scope="module")
def config(compose: Runner) -> dict[str, Any]:
    result = compose("config")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def depends_on(service: dict[str, Any]) -> dict[str, str]:
    """Dependency → condition, whichever form the tool printed."""
    value = service.get("depends_on", {})
    if isinstance(value, list):
        return dict.fromkeys(value, "service_started")
    return {name: (options or {}).get("condition", "service_started") for name, options in value.items()}


def test_compose_file_is_valid(compose: Runner) -> None:
    result = compose("config", "-q")
    assert result.returncode == 0, result.stderr


def test_secret_key_is_required(compose: Runner) -> None:
    result = compose("config", "-q", with_secret_key=False)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_services(config: dict[str, Any]) -> None:
    services = config["services"]
    assert {"db", "redis", "app", "worker"} <= set(services)
    assert services["db"]["image"].startswith("postgis/postgis:")
    assert services["redis"]["image"].startswith("redis:")
    # The app and the worker run the same image, built from this checkout.
    assert services["app"]["image"] == services["worker"]["image"]
    assert "build" in services["app"]
    assert "celery" in services["worker"]["command"]
    assert "worker" in services["worker"]["command"]


@pytest.mark.parametrize("name", ["db", "redis", "app"])
def test_health_checks(config: dict[str, Any], name: str) -> None:
    healthcheck = config["services"][name].get("healthcheck", {})
    assert healthcheck.get("test"), f"{name} has no health check"
    assert not healthcheck.get("disable")


def test_app_health_check_hits_healthz_without_curl(config: dict[str, Any]) -> None:
    test = " ".join(config["services"]["app"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/healthz" in test
    assert "urllib" in test
    # Django answers 400 to a Host it does not allow: the health check's own host must be allowed.
    allowed_hosts = config["services"]["app"]["environment"]["DJANGO_ALLOWED_HOSTS"].split(",")
    assert "127.0.0.1" in allowed_hosts


@pytest.mark.parametrize("name", ["app", "worker"])
def test_app_and_worker_wait_for_healthy_db_and_redis(config: dict[str, Any], name: str) -> None:
    dependencies = depends_on(config["services"][name])
    assert dependencies.get("db") == "service_healthy"
    assert dependencies.get("redis") == "service_healthy"


@pytest.mark.parametrize("name", ["app", "worker"])
def test_migrations_run_first(config: dict[str, Any], name: str) -> None:
    assert depends_on(config["services"][name]).get("migrate") == "service_completed_successfully"
    migrate = config["services"]["migrate"]
    assert "migrate" in " ".join(migrate["command"])
    assert depends_on(migrate).get("db") == "service_healthy"


def test_app_environment(config: dict[str, Any]) -> None:
    environment = config["services"]["app"]["environment"]
    assert environment["DATABASE_URL"].startswith("postgis://")
    assert "@db:5432/gisportal" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"].startswith("redis://redis:")
    assert environment["DJANGO_SECRET_KEY"] == SECRET_KEY
    assert config["services"]["worker"]["environment"]["REDIS_URL"] == environment["REDIS_URL"]
    assert environment["DATABASE_REPLICA_URL"] == ""  # no replica unless asked for
    assert environment["GISPORTAL_PROXY_HOPS"] == "1"


def targets(service: dict[str, Any]) -> list[str]:
    return [str(port.get("target") if isinstance(port, dict) else port) for port in service.get("ports", [])]


def mount(volume: dict[str, Any] | str) -> tuple[str, str]:
    """Target → source, whichever form the tool printed ("source:target:mode" or a mapping)."""
    if isinstance(volume, str):
        source, target = volume.split(":")[:2]
        return target, source
    return volume["target"], volume.get("source", "")


def test_app_and_worker_scale_behind_one_proxy(config: dict[str, Any]) -> None:
    """`--scale app=3 --scale worker=2` needs no host port and no container name on either; the proxy is public."""
    services = config["services"]
    for name in ("app", "worker"):
        assert "container_name" not in services[name] and not services[name].get("ports"), name
    assert any(target.endswith("80") for target in targets(services["proxy"]))
    assert services["proxy"]["image"].startswith("nginx:")
    assert depends_on(services["proxy"]).get("app") == "service_healthy"
    nginx = (ROOT / "scripts" / "compose" / "nginx.conf").read_text()
    assert "server app:8000 resolve" in nginx  # every app container, looked up again as they come and go
    assert "127.0.0.11" in nginx and "X-Forwarded-For $proxy_add_x_forwarded_for" in nginx
    # One Redis for every container (the cache, the rate limits), one tile cache volume (tiles and layer versions).
    assert services["app"]["environment"]["REDIS_URL"] == services["worker"]["environment"]["REDIS_URL"]
    for name in ("app", "worker"):
        mounts = dict(mount(volume) for volume in services[name]["volumes"])
        assert mounts["/app/var/cache"] == "tilecache" and mounts["/app/var/media"] == "media", name


def test_the_replica_is_optional_and_streams_from_db(compose: Runner) -> None:
    result = compose("--profile", "replica", "config")
    assert result.returncode == 0, result.stderr
    replica = yaml.safe_load(result.stdout)["services"]["db-replica"]
    command = " ".join(replica["command"])
    assert "pg_basebackup -h db" in command and " -R " in command
    assert depends_on(replica).get("db") == "service_healthy"
    db = yaml.safe_load(result.stdout)["services"]["db"]
    assert any("replication.sh" in str(volume) for volume in db["volumes"])


def test_dockerfile_runs_unprivileged_gunicorn() -> None:
    # One instruction per logical line: comments dropped, backslash continuations joined.
    lines = [line for line in (ROOT / "Dockerfile").read_text().splitlines() if not line.lstrip().startswith("#")]
    logical = "\n".join(lines).replace("\\\n", " ")
    instructions = [line.split(None, 1) for line in logical.splitlines() if line.strip()]
    assert instructions[0] == ["FROM", "python:3.11-slim-bookworm"]
    users = [argument.strip() for keyword, argument in instructions if keyword == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert "gunicorn" in next(argument for keyword, argument in instructions if keyword == "CMD")
