"""The national default catalogue (the citizen charter) every municipality starts from."""

from django.db import migrations

# category code: (service-level target in days, radius for nearby reports in metres)
NATIONAL = {
    "waste": (2, 150),
    "illegal_dumping": (5, 250),
    "roads": (15, 250),
    "lighting": (7, 150),
    "water": (3, 250),
    "green_spaces": (15, 250),
    "noise": (7, 250),
    "building": (30, 100),
    "other": (15, 250),
}


def seed(apps, schema_editor):
    ServiceCategory = apps.get_model("complaints", "ServiceCategory")
    ServiceQuestion = apps.get_model("complaints", "ServiceQuestion")
    for code, (days, radius) in NATIONAL.items():
        ServiceCategory.objects.get_or_create(
            municipality=None, code=code, defaults={"target_days": days, "nearby_radius_m": radius}
        )
    waste = ServiceCategory.objects.get(municipality=None, code="waste")
    ServiceQuestion.objects.get_or_create(
        category=waste,
        code="container",
        defaults={
            "question": "What is wrong with the container?",
            "datatype": "singlevaluelist",
            "required": False,
            "order": 1,
            "values": [
                {"key": "full", "name": "Full, not emptied"},
                {"key": "damaged", "name": "Damaged"},
                {"key": "missing", "name": "Missing"},
            ],
        },
    )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
