from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0010_sibling_links"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="episode",
            index=models.Index(
                condition=models.Q(("legal_status", "V3"), ("legal_status", "V4"), _connector="OR"),
                fields=["child"],
                name="short_break_episode",
            ),
        ),
    ]
