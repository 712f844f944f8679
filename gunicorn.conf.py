"""gunicorn's settings for the web server (read from the working directory at start).

Responses say nothing about the software that served them: gunicorn's own Server header (its
name and version) is replaced by the service's name.

Timeouts: the slowest pages are the downloads (the annual report as PDF or Word, a year's 903
return as a zip), which take seconds to tens of seconds on a large authority; a worker silent for
longer than `timeout` is killed and restarted, so that one stuck request cannot hold a worker for
ever. Large 903 imports do not count: they run on the Celery workers."""

import os

import gunicorn.http.wsgi

gunicorn.http.wsgi.SERVER = "IRO service"

workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# A request (the slowest being a report download) may take this long before its worker is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
# On a restart or deploy, requests under way have this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Behind a proxy that keeps connections open: a little longer than nothing, far less than the timeout.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Workers' heartbeat files in memory, not on a disk that may stall (Docker's overlay).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Access log lines never hold a consultation link's secret (consultations/logging.py).
logger_class = "consultations.logging.RedactingLogger"
