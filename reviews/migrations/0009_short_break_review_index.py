from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0008_review_clock_sequence_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="review",
            index=models.Index(
                condition=models.Q(("short_breaks", True)), fields=["due_on"], name="short_break_review"
            ),
        ),
    ]
