FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# WeasyPrint's libraries, for the annual report as PDF.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
# Dependencies first, from the lock file, so a change to the code alone reuses this layer.
COPY requirements/runtime.txt requirements/runtime.txt
RUN pip install --no-cache-dir -r requirements/runtime.txt
COPY . .
RUN pip install --no-cache-dir --no-deps .
RUN SECRET_KEY=collectstatic-only SITE_URL=http://localhost python manage.py collectstatic --noinput -v0
RUN useradd --system --uid 1000 iro && mkdir -p /app/var/903-imports && chown -R iro /app/var
USER iro
EXPOSE 8000
CMD ["gunicorn", "iro_service.wsgi", "--bind", "0.0.0.0:8000"]
