# Spor's production image: one image for web, worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SPOR_VAR_DIR=/var/lib/spor

WORKDIR /app
# SAML single sign-on: pysaml2 signs and verifies XML with xmlsec1 (Debian's package).
RUN apt-get update \
    && apt-get install -y --no-install-recommends xmlsec1 \
    && rm -rf /var/lib/apt/lists/*
# The runtime dependencies from the lock file, each checked against its hash; then Spor alone.
COPY requirements/main.txt requirements/main.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/main.txt
COPY . .
RUN pip install --no-cache-dir --no-deps . \
    && useradd --system --home /var/lib/spor spor \
    && mkdir -p /var/lib/spor && chown spor /var/lib/spor
USER spor
EXPOSE 8000
CMD ["gunicorn", "workflow_project.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--graceful-timeout", "30"]
