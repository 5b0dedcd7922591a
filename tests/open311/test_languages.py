"""Open311 answers its errors in the request's language (Accept-Language; French by default), every one of them."""

import ast
from pathlib import Path

import pytest
from django.utils import translation

import gisportal.open311

SOURCES = sorted(Path(gisportal.open311.__file__).parent.glob("*.py"))


def messages() -> list[str]:
    """Every text the Open311 modules pass to gettext."""
    found = []
    for source in SOURCES:
        for node in ast.walk(ast.parse(source.read_text())):
            if not isinstance(node, ast.Call) or getattr(node.func, "id", "") not in {"_", "gettext", "gettext_lazy"}:
                continue
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.append(node.args[0].value)
    return sorted(set(found))


NAMES = {"Open311 GeoReport v2"}  # a standard's name reads the same in every language


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_open311_message_is_translated(language):
    assert len(messages()) > 20
    with translation.override(language):
        untranslated = [text for text in messages() if text not in NAMES and translation.gettext(text) == text]
    assert not untranslated


@pytest.mark.parametrize(
    ("accept", "said"),
    [("", "api_key invalide ou manquante"), ("ar", "api_key غير صالح أو مفقود"), ("en", "Invalid or missing api_key")],
)
def test_an_error_in_the_requests_language(client, db, accept, said):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    response = client.post("/open311/v2/requests.json", {"service_code": "waste"}, **headers)
    assert response.status_code == 403
    assert response.json()[0]["description"] == said


def test_a_bad_query_in_arabic(client, db):
    response = client.get("/open311/v2/requests.json", {"status": "maybe"}, HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 400
    assert "open" in response.json()[0]["description"] and "يجب" in response.json()[0]["description"]
