"""Production settings: with GISPORTAL_HTTPS=1, `gisportal check --deploy` has nothing to warn about."""

import os
import secrets
import subprocess

from tests.test_cli import GISPORTAL


def deployed(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GISPORTAL_HTTPS": "1", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    for inherited in ("DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"):  # the browser tests set the latter in-process
        env.pop(inherited, None)
    return subprocess.run([str(GISPORTAL), *args], capture_output=True, text=True, timeout=120, env=env)


def test_the_https_settings_pass_the_deployment_checks_without_a_warning():
    result = deployed("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_behind_https_plain_http_is_redirected_but_the_health_probe_is_not():
    script = (
        "from django.test import Client; c = Client(HTTP_HOST='127.0.0.1');"
        "print(c.get('/m/').status_code, c.get('/m/', headers={'x-forwarded-proto': 'https'}).status_code,"
        " c.get('/healthz').status_code, c.get('/m/').headers.get('Location'))"
    )
    result = deployed("shell", "-c", script)
    assert result.returncode == 0, result.stderr
    plain, proxied, probe, location = result.stdout.strip().splitlines()[-1].split()
    assert (plain, proxied, probe, location) == ("301", "200", "200", "https://127.0.0.1/m/")
