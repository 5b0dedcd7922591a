"""Reads of petitions: public lists and maps (counts only, never a signer), one petition, a participant's own."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gisportal.participants.models import Participant
from gisportal.petitions.models import PUBLIC_STATES, SIGNING_STATES, Petition, State
from layers.models import Municipality


@dataclass(frozen=True)
class PetitionFilter:
    """One set of filters for the list and the map."""

    state: str = ""
    district: int | None = None


def municipality_of(code: str) -> Municipality | None:
    return Municipality.objects.filter(code=code).first()


def with_counts(queryset: QuerySet[Petition]) -> QuerySet[Petition]:
    return queryset.annotate(
        signed=Count("signatures", distinct=True),
        signed_on_paper=Count("signatures", filter=Q(signatures__source="paper"), distinct=True),
        co_promoted=Count("co_promoters", distinct=True),
    )


def public_petitions(municipality: Municipality | None, where: PetitionFilter = PetitionFilter()) -> QuerySet[Petition]:
    """Every petition past its draft, newest first, with its counts; one query however many."""
    queryset = Petition.objects.filter(state__in=PUBLIC_STATES)
    if municipality is not None:
        queryset = queryset.filter(municipality=municipality)
    if where.state:
        queryset = queryset.filter(state=where.state)
    if where.district is not None:
        queryset = queryset.filter(district_id=where.district)
    return with_counts(queryset.select_related("municipality", "district")).order_by("-created_at", "-pk")


def petition_for(municipality: Municipality, pk: int, participant: Participant | None) -> Petition | None:
    """A public petition, or a draft for its own author only."""
    visible = Q(state__in=PUBLIC_STATES)
    if participant is not None:
        visible |= Q(author=participant)
    return (
        with_counts(Petition.objects.filter(visible, municipality=municipality, pk=pk))
        .select_related("municipality", "district")
        .first()
    )


def progress(petition: Petition) -> int:
    """Percent of the threshold reached, capped at 100, for the progress bar."""
    needed = petition.signatures_needed
    if not needed:
        return 0
    return min(100, round(100 * petition.signed / needed))  # type: ignore[attr-defined]


def own_petitions(participant: Participant) -> QuerySet[Petition]:
    return Petition.objects.filter(author=participant).select_related("municipality")


def has_signed(petition: Petition, participant: Participant | None) -> bool:
    return participant is not None and petition.signatures.filter(participant=participant).exists()


def is_co_promoter(petition: Petition, participant: Participant | None) -> bool:
    return participant is not None and petition.co_promoters.filter(participant=participant).exists()


def petitions_geojson(municipality: Municipality, where: PetitionFilter) -> str:
    """The same petitions as the list, with a place, as GeoJSON built by PostGIS: counts only, never a signer."""
    ids = list(public_petitions(municipality, where).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
                'type', 'Feature', 'id', p.id,
                'geometry', ST_AsGeoJSON(p.location, 6)::json,
                'properties', json_build_object(
                    'title', p.title, 'state', p.state, 'district', d.name,
                    'signatures', c.n, 'signatures_needed', p.signatures_needed,
                    'progress', CASE WHEN p.signatures_needed > 0
                                     THEN least(100, round(100.0 * c.n / p.signatures_needed)) END)
            ) ORDER BY p.id), '[]'::json))::text
              FROM petitions_petition p
              LEFT JOIN layers_district d ON d.id = p.district_id
              CROSS JOIN LATERAL (SELECT count(*) AS n FROM petitions_signature s WHERE s.petition_id = p.id) c
             WHERE p.id = ANY(%s) AND p.location IS NOT NULL
            """,
            [ids],
        )
        return cursor.fetchone()[0]


def counts_by_municipality_and_state() -> list[tuple]:
    """(code, French name, state, petitions, signatures, on paper) for every municipality with public petitions."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT m.code, m.name_fr, p.state, count(*), coalesce(sum(s.n), 0), coalesce(sum(s.paper), 0)
              FROM petitions_petition p
              JOIN layers_municipality m ON m.id = p.municipality_id
              LEFT JOIN LATERAL (SELECT count(*) AS n, count(*) FILTER (WHERE source = 'paper') AS paper
                                   FROM petitions_signature WHERE petition_id = p.id) s ON true
             WHERE p.state <> 'draft'
             GROUP BY m.code, m.name_fr, p.state
             ORDER BY m.code, p.state
            """
        )
        return cursor.fetchall()


def open_now(municipality: Municipality | None = None) -> QuerySet[Petition]:
    """Petitions a citizen can act on today: sign, or join as a co-promoter."""
    today = timezone.localdate()
    queryset = Petition.objects.filter(Q(state=State.CO_PROMOTERS) | Q(state__in=SIGNING_STATES, closes_on__gte=today))
    if municipality is not None:
        queryset = queryset.filter(municipality=municipality)
    return with_counts(queryset.select_related("municipality")).order_by("closes_on", "pk")
