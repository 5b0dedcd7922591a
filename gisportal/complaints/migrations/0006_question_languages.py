"""Category questions and their choices in French and Arabic, the national catalogue's among them."""

from django.db import migrations, models

# The national catalogue's questions (migration 0002) in French and Arabic, by category and question code.
NATIONAL = {
    ("waste", "container"): {
        "question_fr": "Quel est le problème du conteneur ?",
        "question_ar": "ما مشكلة الحاوية؟",
        "values": {
            "full": {"name_fr": "Plein, pas vidé", "name_ar": "ممتلئة ولم تُفرغ"},
            "damaged": {"name_fr": "Abîmé", "name_ar": "متضرّرة"},
            "missing": {"name_fr": "Absent", "name_ar": "مفقودة"},
        },
    },
}


def seed(apps, schema_editor):
    ServiceQuestion = apps.get_model("complaints", "ServiceQuestion")
    for (category, code), texts in NATIONAL.items():
        for question in ServiceQuestion.objects.filter(category__municipality=None, category__code=category, code=code):
            # Only what is still empty: an administrator's own wording stays.
            question.question_fr = question.question_fr or texts["question_fr"]
            question.question_ar = question.question_ar or texts["question_ar"]
            question.values = [{**texts["values"].get(str(value.get("key")), {}), **value} for value in question.values]
            question.save(update_fields=["question_fr", "question_ar", "values"])


class Migration(migrations.Migration):
    dependencies = [("complaints", "0005_place_data_version")]

    operations = [
        migrations.AddField(
            model_name="servicequestion",
            name="question_ar",
            field=models.CharField(blank=True, max_length=200, verbose_name="question (Arabic)"),
        ),
        migrations.AddField(
            model_name="servicequestion",
            name="question_fr",
            field=models.CharField(blank=True, max_length=200, verbose_name="question (French)"),
        ),
        migrations.AlterField(
            model_name="servicequestion",
            name="question",
            field=models.CharField(
                help_text="In English; also shown where the French or Arabic text is empty.",
                max_length=200,
                verbose_name="question",
            ),
        ),
        migrations.AlterField(
            model_name="servicequestion",
            name="values",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='For the list types: [{"key": "full", "name": "Full", "name_fr": "Plein", "name_ar": "…"}, …]',
                verbose_name="choices",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
