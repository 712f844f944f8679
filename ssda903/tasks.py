from celery import shared_task

from .jobs import import_job_run

# A whole history can take minutes to check: longer than the service's usual task limit.
IMPORT_TIME_LIMIT = 30 * 60


@shared_task(time_limit=IMPORT_TIME_LIMIT, soft_time_limit=IMPORT_TIME_LIMIT - 60)
def run_import_job(job_id: int) -> str:
    return import_job_run(job_id=job_id).status
