FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# WeasyPrint's libraries, for the annual report as PDF.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY iro_service iro_service
COPY children children
COPY reviews reviews
COPY escalations escalations
COPY reports reports
RUN pip install --no-cache-dir .
COPY . .
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v0
RUN useradd --system --uid 1000 iro && mkdir -p /app/var && chown -R iro /app/var
USER iro
EXPOSE 8000
CMD ["gunicorn", "iro_service.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
