"""A long import says what it is doing once its rows are read: checking them, writing the layer, rebuilding its
indexes (the bar alone would sit at 100 % for as long), on the terminal and on the planner's job page."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User

import etl.load
from etl.models import ImportJob
from etl.pipeline import import_file
from etl.tasks import _ProgressWriter
from tests.etl.conftest import write


class Recorded:
    def __init__(self) -> None:
        self.rows: list[tuple[int, int]] = []
        self.steps: list[str] = []

    def __call__(self, done: int, total: int) -> None:
        self.rows.append((done, total))

    def phase(self, name: str) -> None:
        self.steps.append(name)


@pytest.mark.parametrize(
    ("bulk_rows", "steps"),
    [(10**9, ["reading", "checking", "writing"]), (2, ["reading", "checking", "writing", "indexing"])],
    ids=["small", "bulk"],
)
def test_an_import_says_each_step(tozeur, containers, tmp_path: Path, monkeypatch, bulk_rows, steps):
    monkeypatch.setattr(etl.load, "BULK_ROWS", bulk_rows)
    progress = Recorded()
    import_file(write(containers, tmp_path / "c.geojson"), layer="service-points", report=tmp_path / "r.csv",
                progress=progress)  # fmt: skip
    assert progress.rows[-1] == (6, 6)
    assert progress.steps == steps


def test_the_job_page_names_the_step_in_the_planners_language(client, planner_tozeur, tozeur):
    job = ImportJob.objects.create(
        user=planner_tozeur, layer="service-points", file="imports/c.gpkg", status="running", phase="indexing",
        done=1000, total=1000,
    )  # fmt: skip
    client.force_login(planner_tozeur)
    status = client.get(f"/ar/imports/{job.pk}/", {"format": "json"}).json()
    assert status["phase_label"] == "إعادة بناء فهارس الطبقة"
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert '<span id="import-phase">reconstruction des index de la couche</span>' in page


@pytest.mark.django_db(transaction=True)
def test_the_background_job_writes_its_step_where_the_page_reads_it():
    planner = User.objects.create(username="planner")
    job = ImportJob.objects.create(user=planner, layer="service-points", file="imports/c.gpkg", status="running")
    writer = _ProgressWriter(job.pk)  # its own connection: the import's transaction is not committed yet
    try:
        writer.phase("writing")
    finally:
        writer.close()
    job.refresh_from_db()
    assert job.phase == ImportJob.Phase.WRITING
