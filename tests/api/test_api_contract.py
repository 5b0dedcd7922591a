"""Schemathesis over the REST and OGC OpenAPI documents, through the WSGI app (issue 15).

Reads as the analyst, writes as Tozeur's planner. Checks: no server error, and every answer as its own
document says (a documented status code, content type and body schema). Bounded and derandomized, so
CI sees the same requests every run.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gisportal.wsgi import application
from tests.api.conftest import token_client

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
BOUND = settings(
    max_examples=6, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
READS = {"GET", "HEAD", "OPTIONS"}


@pytest.fixture
def in_test_transaction():
    """The WSGI app closes the connection after each request (as a server does); the test's transaction must stay."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def authorisations(in_test_transaction, analyst, planner_tozeur, tozeur, beja, delegations) -> dict[bool, dict]:
    """Reads as the analyst, writes as Tozeur's planner (keyed by "is a read")."""

    def header(user) -> dict[str, str]:
        return {"Authorization": token_client(user).defaults["HTTP_AUTHORIZATION"]}

    return {True: header(analyst), False: header(planner_tozeur)}


def fuzz(document, authorisations) -> list[str]:
    """Every operation of the document, positive and negative cases; the failures found, one line each."""
    found = []
    for result in document.get_all_operations():
        operation = result.ok()
        cases = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
        )

        @BOUND
        @given(case=cases)
        def check(case) -> None:
            case.call_and_validate(headers=authorisations[case.method.upper() in READS], checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as failure:  # reported below, with every other operation's
            found.append(f"{operation.label}: " + "\n".join(str(failure).splitlines()[:12]))
    return found


def test_rest_answers_as_its_document_says(authorisations):
    document = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    found = fuzz(document, authorisations)
    assert not found, "\n\n".join(found)


def test_ogc_answers_as_its_document_says(authorisations):
    document = schemathesis.openapi.from_wsgi("/ogc/api", application)
    found = fuzz(document, authorisations)
    assert not found, "\n\n".join(found)
