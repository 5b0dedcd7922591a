"""A page's SQL compiled once per shape (gisportal.api.statements): what a later request of the shape sends is
the statement Django compiles for it afresh, for every scope, filter, order and cursor."""

import json
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gisportal.accounts.models import Role
from gisportal.api import selectors, statements
from gisportal.api.collections import COLLECTIONS
from gisportal.api.ogc.params import CRS84, parse_bbox
from gisportal.api.selectors import FeatureFilter
from tests.conftest import staff

BOX = "8.0,33.8,8.3,34.0"
WIDER = "7.5,33.0,9.5,37.0"


def sent(collection_id, user, where, **page):
    """The page and the SQL sent for it (as psycopg sends it)."""
    with CaptureQueriesContext(connection) as queries:
        result = selectors.feature_page(COLLECTIONS[collection_id], user, where, **page)
    (page_sql,) = [query["sql"] for query in queries.captured_queries if "json_agg" in query["sql"]]
    return result, page_sql


SHAPES = [
    # (collection, first request's filter and page, a later request's of the same shape)
    ("complaints", (FeatureFilter(), {"limit": 1}), (FeatureFilter(), {"limit": 5})),
    (
        "complaints",
        (FeatureFilter(bbox=parse_bbox(BOX, CRS84)), {"limit": 10}),
        (FeatureFilter(bbox=parse_bbox(WIDER, CRS84)), {"limit": 3}),
    ),
    (
        "complaints",
        (
            FeatureFilter(start=datetime(2020, 1, 1, tzinfo=UTC), properties=(("category", "roads"),)),
            {"limit": 2, "count": True},
        ),
        (
            FeatureFilter(start=datetime(2021, 5, 1, tzinfo=UTC), properties=(("category", "waste"),)),
            {"limit": 7, "count": True},
        ),
    ),
    (
        "complaints",
        (FeatureFilter(), {"limit": 1, "after": (None, 1)}),
        (FeatureFilter(), {"limit": 4, "after": (None, 0)}),
    ),
    (
        "service-points",
        (FeatureFilter(), {"limit": 1, "order": "capacity", "descending": True, "after": (1000, 99)}),
        (FeatureFilter(), {"limit": 9, "order": "capacity", "descending": True, "after": (700, 10**6)}),
    ),
    (
        "districts",
        (FeatureFilter(properties=(("is_priority", False), ("municipality__code", "2111"))), {"limit": 1}),
        (FeatureFilter(properties=(("is_priority", False), ("municipality__code", "6211"))), {"limit": 2}),
    ),
    (
        "collection-routes",
        (FeatureFilter(), {"limit": 1, "order": "starts_at", "after": ("05:00:00", 1)}),
        (FeatureFilter(), {"limit": 2, "order": "starts_at", "after": ("05:30:00", 0)}),
    ),
]


@pytest.mark.parametrize("who", ["analyst", "planner_tozeur"])
@pytest.mark.parametrize(("collection_id", "first", "later"), SHAPES)
def test_a_later_request_sends_what_django_compiles_for_it(request, who, collection_id, first, later, tozeur, beja):
    user = request.getfixturevalue(who)
    later_where, later_page = later
    if later_page.get("order") == "starts_at":  # the cursor's value typed as the REST API types it
        field = COLLECTIONS[collection_id].model._meta.get_field("starts_at")
        later_page = {**later_page, "after": (field.to_python(later_page["after"][0]), later_page["after"][1])}
        first = (first[0], {**first[1], "after": (field.to_python(first[1]["after"][0]), first[1]["after"][1])})
    statements.forget()
    fresh = sent(collection_id, user, later_where, **later_page)  # the first of its shape: compiled for itself
    sent(collection_id, user, first[0], **first[1])  # compiled again (a new values' page, the same shape)
    statements.forget()
    sent(collection_id, user, first[0], **first[1])  # the shape learnt from this one
    assert statements.learnt() == 1
    assert sent(collection_id, user, later_where, **later_page) == fresh


def test_a_planner_never_gets_another_planners_page(tozeur, beja, planner_tozeur):
    planner_beja = staff("planner-beja", Role.PLANNER, "2111")
    statements.forget()
    for planner, town in ((planner_tozeur, tozeur), (planner_beja, beja), (planner_tozeur, tozeur)):
        page = selectors.feature_page(COLLECTIONS["complaints"], planner, FeatureFilter(), limit=10)
        assert [feature["id"] for feature in json.loads(page.features_json)] == [town.complaint.pk]


def test_a_shape_whose_text_depends_on_its_values_is_compiled_every_time():
    statements.forget()

    def build(values):
        return f"SELECT {values[0]}", []

    assert statements.statement("inline", [1], build) == ("SELECT 1", [])
    assert statements.statement("inline", [2], build) == ("SELECT 2", [])


def test_values_without_a_stand_in_are_compiled_afresh():
    statements.forget()
    built = []

    def build(values):
        built.append(values)
        return "SELECT %s", [values[0]]

    assert statements.statement("big", [1], build) == ("SELECT %s", [1])
    assert statements.statement("big", [2**40], build) == ("SELECT %s", [2**40])  # beyond an integer column
    assert statements.statement("big", [3], build) == ("SELECT %s", [3])  # from the template
    assert len(built) == 3  # 1, its stand-in, 2**40
