#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iro_service.settings")
    # With nothing configured (no SECRET_KEY, no .env) this is a developer's machine: run in local
    # (DEBUG) mode rather than refuse. Deployments always set SECRET_KEY, so they keep DEBUG off;
    # gunicorn and the Celery workers do not come through here and still refuse to start without one.
    configured = os.environ.get("SECRET_KEY") or os.path.exists(os.path.join(os.path.dirname(__file__), ".env"))
    if not configured:
        os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
