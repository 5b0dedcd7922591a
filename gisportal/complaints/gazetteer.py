"""The offline gazetteer: GeoNames' populated places of Tunisia (fixtures/real/tn-geonames)."""

from pathlib import Path

from etl.pipeline import REPORTS_DIR, import_file
from gisportal.complaints.models import Place
from gisportal.paths import BASE_DIR

GEONAMES_FILE = BASE_DIR / "fixtures" / "real" / "tn-geonames" / "geonames_TN.gpkg"


def load_places(path: Path = GEONAMES_FILE) -> int:
    """Bring the gazetteer up to date with the file (the ETL pipeline, idempotent); return how many places it holds."""
    import_file(path, layer="places", mapping="tn-geonames", report=REPORTS_DIR / "places-report.csv")
    return Place.objects.count()
