# Production image: web (gunicorn), worker and beat share it; see docker-compose.yml.
FROM python:3.11-slim-bookworm AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=regionalbuendnis.settings.production
# The app user's home (/app) is read-only for it; fontconfig (WeasyPrint) caches here instead.
ENV XDG_CACHE_HOME=/tmp/.cache

# WeasyPrint needs Pango; gettext compiles the translations; DejaVu fonts are embedded in PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext nodejs npm curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml package.json package-lock.json ./
RUN pip install --upgrade pip && pip install . && npm ci --omit=dev --no-audit --no-fund

# .dockerignore keeps .venv, node_modules, .env, databases and media out of this copy.
COPY . .
# Build-time only values: collectstatic and compilemessages need settings, not secrets.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py compilemessages \
        --ignore='node_modules/*' -v0 \
    && SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput -v0

RUN useradd --system --uid 1000 --home /app app && mkdir -p /app/media && chown -R app /app/media
USER app

EXPOSE 8000
CMD ["gunicorn", "regionalbuendnis.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
