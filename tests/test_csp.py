"""The Content-Security-Policy of citizen pages: scripts from the portal itself or with the response's nonce."""

import re

import pytest
from django.test import Client

from tests.conftest import Town


@pytest.mark.parametrize("path", ["/m/6211/", "/ar/m/6211/services/", "/m/", "/report/", "/"])
def test_citizen_pages_run_only_the_portals_own_scripts(client: Client, tozeur: Town, path: str) -> None:
    """A Content-Security-Policy without 'unsafe-inline' scripts: the map's inline scripts carry the nonce."""
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)  # type: ignore[union-attr]
    assert "script-src 'self' 'nonce-" in policy and "unsafe-inline' ;" not in policy.split("style-src")[0]
    for tag in re.findall(r"<script\b[^>]*>", response.content.decode()):
        assert "src=" in tag or f'nonce="{nonce}"' in tag or 'type="application/json"' in tag, tag
    assert nonce not in client.get(path)["Content-Security-Policy"]  # a new one for every response


def test_the_admin_keeps_its_own_widgets_scripts(client: Client, db) -> None:
    assert "Content-Security-Policy" not in client.get("/admin/login/")
