from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0012_child_next_review_due"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="episode",
            index=models.Index(fields=["start_on"], name="episode_start"),
        ),
    ]
