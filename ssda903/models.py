import uuid

from django.conf import settings
from django.db import models


class ImportJob(models.Model):
    """A large 903 upload imported by a worker: the files wait in a folder of their own (removed when
    the job ends, whatever happens), and the 903 page shows the job's stage until it is done."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Imported"
        REFUSED = "refused", "Refused: nothing was imported"
        FAILED = "failed", "Failed: nothing was imported"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_names = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    stage = models.CharField(max_length=200, blank=True)
    # What the import found: {"children", "changed", "summary", "notes", "problems": [...], "more": n}.
    outcome = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"903 import of {self.created_at:%Y-%m-%d %H:%M}: {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REFUSED, self.Status.FAILED)
