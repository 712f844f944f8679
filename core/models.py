from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class FormSubmission(models.Model):
    """A form sent once: its one-time key (given to the form when the page was shown) and what it
    made. The same key sent again (a double click, a retry after a lost answer) finds this row and
    is given the same result instead of making a second one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True)
    result_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, related_name="+")
    result_id = models.PositiveBigIntegerField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="form_submission_once_per_user")]

    def __str__(self):
        return f"Form sent {self.created_at:%Y-%m-%d %H:%M}"

    def result(self):
        if self.result_type is None:
            return None
        return self.result_type.model_class()._base_manager.filter(pk=self.result_id).first()


class Change(models.Model):
    """A statement that changed a watched table: a row of the log behind `core.changes.stamp`. Rows
    are added by triggers in the database, never by the application."""

    id = models.BigAutoField(primary_key=True)

    def __str__(self):
        return f"Change {self.pk}"
