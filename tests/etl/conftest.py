"""Small files written on the fly around the two test towns (Tozeur and Béja squares of tests/conftest.py)."""

from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import Point

from etl.models import PRIVATE_FILES
from tests.conftest import TOZEUR_CENTRE

LON, LAT = TOZEUR_CENTRE


def write(frame: gpd.GeoDataFrame, path: Path, **options: object) -> Path:
    pyogrio.write_dataframe(frame, path, **options)
    return path


@pytest.fixture
def containers(tmp_path: Path) -> gpd.GeoDataFrame:
    """Four waste containers in Tozeur, one outside every municipality, one exact duplicate."""
    return gpd.GeoDataFrame(
        {
            "kind": ["waste_container"] * 5 + ["pharmacy"],
            "name": ["Conteneur A", "Conteneur B", "Conteneur C", "Conteneur A", "Conteneur au désert", "Pharmacie"],
            "capacity": ["660", "1 100", "770", "660", "660", None],
        },
        geometry=[
            Point(LON + 0.001, LAT),
            Point(LON + 0.002, LAT),
            Point(LON + 0.003, LAT),
            Point(LON + 0.001, LAT),
            Point(LON + 3, LAT + 3),
            Point(LON - 0.005, LAT + 0.005),
        ],
        crs=4326,
    )


@pytest.fixture
def private_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Uploads and their reports go to a temporary private folder (pytest removes tmp_path)."""
    folder = tmp_path / "private"
    # The cached properties first: each saved value must be read before the one it is computed from is patched,
    # or the "original" restored afterwards would be this test's folder.
    for attribute in ("location", "base_location", "_location"):
        monkeypatch.setattr(PRIVATE_FILES, attribute, str(folder))
    return folder
