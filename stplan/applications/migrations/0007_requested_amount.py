from django.db import migrations, models
from django.db.models import F


def fill_requested(apps, schema_editor):
    """Applications submitted before the column existed take it from their last version."""
    from stplan.applications.submission import submitted_content

    Application = apps.get_model("applications", "Application")
    ApplicationVersion = apps.get_model("applications", "ApplicationVersion")
    latest = ApplicationVersion.objects.filter(number=F("application__version")).iterator(chunk_size=500)
    for version in latest:
        Application.objects.filter(pk=version.application_id).update(
            requested_amount=submitted_content(version).requested_city_funds
        )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0006_merge_20261202_1033"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="requested_amount",
            field=models.PositiveIntegerField(default=0, verbose_name="申请市财政资助（元）"),
        ),
        migrations.RunPython(fill_requested, migrations.RunPython.noop),
    ]
