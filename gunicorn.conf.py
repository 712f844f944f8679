"""gunicorn's settings for the web server (read from the working directory at start).

Responses say nothing about the software that served them: gunicorn's own Server header (its
name and version) is replaced by the service's name."""

import gunicorn.http.wsgi

gunicorn.http.wsgi.SERVER = "IRO service"

# Access log lines never hold a consultation link's secret (consultations/logging.py).
logger_class = "consultations.logging.RedactingLogger"
