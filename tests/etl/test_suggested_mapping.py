"""A realistic French file (`nom`, `type: Pharmacie`): the refusal says what was found and what is expected, the
page suggests a mapping the planner confirms, saved as a spec and applied."""

import tomllib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from etl import suggest
from etl.mapping import load_mapping
from etl.models import ImportJob
from etl.targets import TARGETS
from layers.models import ServicePoint
from tests.etl.conftest import LAT, LON

pytestmark = pytest.mark.usefixtures("private_folder")

FRENCH_CSV = (
    "nom,type,horaires,longitude,latitude\n"
    f"Pharmacie Ben Salah,Pharmacie,Mo-Sa 08:00-20:00,{LON + 0.001},{LAT}\n"
    f"Pharmacie de nuit,pharmacie ,,{LON + 0.002},{LAT}\n"
    f"Dispensaire,Établissement de santé,,{LON + 0.003},{LAT}\n"
    f"Marché central,MARCHÉ,,{LON + 0.004},{LAT}\n"
    f"École,صيدلية,,{LON + 0.005},{LAT}\n"
    f"Kiosque,Kiosque,,{LON + 0.006},{LAT}\n"
)


@pytest.fixture(autouse=True)
def french_addresses():
    with translation.override("fr"):
        yield


@pytest.fixture
def refused_job(client, planner_tozeur, tozeur, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(planner_tozeur)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("etl:upload"),
            {
                "file": SimpleUploadedFile("pharmacies.csv", FRENCH_CSV.encode()),
                "layer": "service-points",
                "municipality": tozeur.municipality.pk,
            },
        )
    return ImportJob.objects.get()


def test_the_refusal_says_columns_found_fields_expected_and_values_allowed(client, refused_job):
    assert refused_job.status == "failed"
    error = refused_job.error
    assert "Colonnes trouvées dans le fichier : nom, type, horaires" in error
    assert "kind (type, obligatoire)" in error and "name (nom)" in error
    assert "Valeurs permises de kind" in error and "pharmacy (Pharmacie)" in error
    page = client.get(reverse("etl:job", args=[refused_job.pk])).content.decode()
    assert reverse("etl:mapping", args=[refused_job.pk]) in page


def test_the_suggestion_matches_french_and_arabic_names_without_case_or_accents(client, refused_job):
    page = client.get(reverse("etl:mapping", args=[refused_job.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["field_name"].initial == "nom" and form["field_kind"].initial == "type"
    assert form["field_opening_hours"].initial == "horaires" and form["field_capacity"].initial == ""
    shown = {field.label: field.initial for field in form.value_fields("kind")}
    assert shown == {
        "Kiosque": "",
        "MARCHÉ": "market",
        "Pharmacie": "pharmacy",
        "pharmacie": "pharmacy",
        "Établissement de santé": "health_facility",
        "صيدلية": "pharmacy",
    }
    html = page.content.decode()
    assert "Colonne du fichier" in html and "Pharmacie (pharmacy)" in html
    arabic = client.get("/ar" + reverse("etl:mapping", args=[refused_job.pk])).content.decode()
    assert "مطابقة أعمدة الملف" in arabic and "صيدلية (pharmacy)" in arabic


def test_the_confirmed_mapping_is_saved_as_a_spec_and_applied(
    client, refused_job, private_folder, django_capture_on_commit_callbacks
):
    url = reverse("etl:mapping", args=[refused_job.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].initial or "" for name in form.fields}
    data["title"] = "Pharmacies de Tozeur"
    data[next(f.name for f in form.value_fields("kind") if f.label == "Kiosque")] = "other"
    before = ServicePoint.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    again = ImportJob.objects.exclude(pk=refused_job.pk).get()
    assert response.status_code == 302 and response.url == reverse("etl:job", args=[again.pk])
    assert again.status == "done", again.error
    assert ServicePoint.objects.count() == before + 6
    kinds = dict(
        ServicePoint.objects.filter(name__in=["Pharmacie de nuit", "Kiosque", "École"]).values_list("name", "kind")
    )
    assert kinds == {"Pharmacie de nuit": "pharmacy", "Kiosque": "other", "École": "pharmacy"}
    assert ServicePoint.objects.get(name="Pharmacie Ben Salah").opening_hours == "Mo-Sa 08:00-20:00"
    # The spec is a file etl.mapping reads, offered on the upload page for her next files.
    assert again.mapping.startswith("mappings/u")
    spec = load_mapping(suggest.spec_path(again.mapping))
    assert (spec.layer, spec.fields["name"].source, spec.fields["kind"].values["MARCHÉ"]) == (
        "service-points",
        "nom",
        "market",
    )
    assert tomllib.loads(Path(private_folder, again.mapping).read_text())["description"] == "Pharmacies de Tozeur"
    choices = dict(client.get(reverse("etl:upload")).context["form"].fields["mapping"].choices)
    assert again.mapping in choices


def test_a_required_field_left_out_or_a_column_used_twice_is_refused(client, refused_job):
    url = reverse("etl:mapping", args=[refused_job.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].initial or "" for name in form.fields} | {"title": "x"}
    response = client.post(url, {**data, "field_kind": ""})
    assert response.status_code == 400 and "Choisissez la colonne" in response.content.decode()
    response = client.post(url, {**data, "field_capacity": "type"})
    assert (
        response.status_code == 400
        and "Une colonne ne peut remplir qu\u2019un seul champ." in response.content.decode()
    )
    assert ImportJob.objects.count() == 1


def test_choosing_another_column_shows_its_values_first(client, refused_job):
    url = reverse("etl:mapping", args=[refused_job.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].initial or "" for name in form.fields} | {"title": "x"}
    data |= {"field_kind": "nom", "field_name": "type"}
    response = client.post(url, data)
    assert response.status_code == 200 and ImportJob.objects.count() == 1  # not imported yet: values to check
    labels = [f.label for f in response.context["form"].value_fields("kind")]
    assert "Pharmacie Ben Salah" in labels


def test_suggestion_in_arabic_labels():
    target = TARGETS["service-points"]
    assert suggest.suggest_columns(target, ["الاسم", "النوع", "x"])["name"] == "الاسم"
    assert suggest.suggest_values(target.fields["kind"], ["صيدلية", "سوق"]) == {"صيدلية": "pharmacy", "سوق": "market"}


def test_a_spec_with_quotes_and_control_characters_in_names_still_reads(tmp_path):
    text = suggest.spec_toml(
        "service-points", {"kind": 'ty"pe\\\n', "name": "nom"}, {"kind": {'Ph"a\trm': "pharmacy"}}, "d\n"
    )
    path = tmp_path / "spec.toml"
    path.write_text(text)
    spec = load_mapping(path)
    assert spec.fields["kind"].source == 'ty"pe\\\n' and spec.fields["kind"].values == {'Ph"a\trm': "pharmacy"}
