"""Large 903 uploads imported by a worker (ssda903.tasks.run_import_job): the uploaded files are kept
in a folder of the job's own until the job ends, and removed then whatever happens."""

import logging
import shutil
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import User

from .importer import ssda903_import
from .models import ImportJob
from .reading import Limits, files_from_uploads

log = logging.getLogger(__name__)

PROBLEMS_KEPT = 1_000  # listed on the page; the count says how many more there are
CHUNK = 1024 * 1024


def import_limits() -> Limits:
    return Limits(
        upload_bytes=settings.SSDA903_UPLOAD_MAX_BYTES,
        expanded_bytes=settings.SSDA903_EXPANDED_MAX_BYTES,
        rows=settings.SSDA903_MAX_ROWS,
        value_chars=settings.SSDA903_MAX_VALUE_CHARS,
    )


def job_folder(job: ImportJob) -> Path:
    return Path(settings.SSDA903_IMPORT_DIR) / str(job.public_id)


def import_job_start(*, actor: User, uploads: list) -> ImportJob:
    """Keeps the uploaded files (name, file) in the job's folder and queues the job once it is saved."""
    with transaction.atomic():
        job = ImportJob.objects.create(
            started_by=actor, file_names=[name for name, _upload in uploads], stage="Waiting for a worker"
        )
        folder = job_folder(job)
        try:
            for n, (name, upload) in enumerate(uploads):
                # One folder per file, so that two files of the same name both arrive.
                (folder / str(n)).mkdir(parents=True)
                upload.seek(0)
                with open(folder / str(n) / PurePosixPath(name).name, "wb") as out:
                    shutil.copyfileobj(upload, out, CHUNK)
            audit_record(actor=actor, action="ssda903_import_started", obj=job, files=job.file_names)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        transaction.on_commit(lambda: _queue(job))
    return job


def _queue(job: ImportJob) -> None:
    from .tasks import run_import_job  # noqa: PLC0415 (the task module imports this one)

    try:
        run_import_job.delay(job.pk)
    except Exception:  # the broker cannot be reached: say so rather than leave the job waiting
        log.exception("903 import job %s could not be queued", job.pk)
        _finish(job, ImportJob.Status.FAILED, "The import could not be started: try again in a few minutes")


def _finish(job: ImportJob, status: str, stage: str, outcome: dict | None = None) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, stage=stage, outcome=outcome or {}, finished_at=timezone.now()
    )
    shutil.rmtree(job_folder(job), ignore_errors=True)


def import_job_run(*, job_id: int) -> ImportJob:
    """Imports the job's files with the 903 importer, recording each stage as it starts, and removes
    the files however it ends."""
    job = ImportJob.objects.select_related("started_by").get(pk=job_id)
    if job.is_finished:
        return job
    try:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, stage="Opening the files")
        folder = job_folder(job)
        uploads = [(path.name, path) for path in sorted(folder.glob("*/*"), key=lambda p: int(p.parent.name))]
        files, _size = files_from_uploads(uploads, import_limits())

        def progress(stage: str) -> None:
            ImportJob.objects.filter(pk=job.pk).update(stage=stage)

        result = ssda903_import(actor=job.started_by, files=files, limits=import_limits(), progress=progress)
        outcome = {
            "children": result.children_in_files,
            "changed": result.changed,
            "summary": result.summary(),
            "notes": result.notes,
            "problems": [vars(p) for p in result.problems[:PROBLEMS_KEPT]],
            "more": max(0, len(result.problems) - PROBLEMS_KEPT),
        }
        if result.ok:
            _finish(job, ImportJob.Status.DONE, f"Imported in {result.seconds:.0f} seconds", outcome)
        else:
            n = len(result.problems)
            _finish(job, ImportJob.Status.REFUSED, f"The files have {n} problem{'s' if n != 1 else ''}", outcome)
    except Exception:
        log.exception("903 import job %s failed", job.pk)
        _finish(
            job, ImportJob.Status.FAILED, "An error stopped the import: nothing was imported. Try again, or ask support"
        )
    finally:
        shutil.rmtree(job_folder(job), ignore_errors=True)
    job.refresh_from_db()
    return job
