# gisportal: the GeoDjango app (gunicorn) and, with another command, its Celery worker.
# Used by docker-compose.yml; build alone with `docker build -t gisportal .`.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# Runtime libraries only: GeoDjango loads libgdal/libgeos_c through ctypes (no -dev headers, no compiler;
# every Python dependency comes as a wheel, and rasterio/pyogrio bundle their own GDAL and PROJ).
# gettext provides msgfmt for compilemessages below.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgdal32 libgeos-c1v5 libproj25 gettext \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 --user-group gisportal

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so that editing the code does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
# The project itself (the `gisportal` command); its dependencies are already satisfied.
RUN pip install . && rm -rf build *.egg-info

# The code runs from /app (PYTHONPATH), so that BASE_DIR is /app in every process (gunicorn, celery,
# the gisportal command) and fixtures/ is found by `gisportal load_demo`.
# State lives in /app/var: static files (built here, read-only), media and the tile cache (volumes, owned by the
# app user).
ENV PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=gisportal.settings \
    GISPORTAL_VAR_DIR=/app/var \
    WEB_CONCURRENCY=2

# Build-time settings only (not kept in the image): a throwaway key so that settings.py does not write a
# key file into the image, and a database URL that is never connected to.
# The first command fails the build if GeoDjango cannot load the system GDAL/GEOS.
RUN export DJANGO_SECRET_KEY=build-only-not-a-secret DATABASE_URL=postgis://build@localhost/build \
    && python -c "import django; django.setup(); \
from django.contrib.gis.gdal import gdal_full_version; from django.contrib.gis.geos import geos_version; \
print('GDAL', gdal_full_version().decode(), '| GEOS', geos_version().decode())" \
    && gisportal compilemessages -v 0 \
    && gisportal collectstatic --no-input -v 0 \
    && mkdir -p /app/var/media /app/var/cache \
    && chown gisportal:gisportal /app/var/media /app/var/cache

USER gisportal

EXPOSE 8000
# Workers: WEB_CONCURRENCY, which gunicorn reads itself (default 2 here; about 2 × cores + 1 on a
# dedicated host). Health checks live in docker-compose.yml, since the worker shares this image.
CMD ["gunicorn", "gisportal.wsgi", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", \
     "--access-logfile", "-"]
