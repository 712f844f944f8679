from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0013_episode_start_index"),
        ("reviews", "0008_review_clock_sequence_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="review",
            index=models.Index(
                condition=models.Q(("short_breaks", True)), fields=["due_on"], name="short_break_review"
            ),
        ),
    ]
