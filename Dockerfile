# The course site as a container: `docker build -t docker-course . && docker run -p 8000:80 docker-course`,
# then open http://localhost:8000/. The site is built inside the image from this repository, the same
# way `make offline` builds it (strict, with the offline zip), and served with gzip by hooks/site_server.py.
# Built FROM the course's own base images (`node`, `python`; offline stand-ins where no registry answers,
# `make images`); their CA store trusts the host's extra CAs, so npm and pip work behind a TLS proxy.

# 1. The npm files the site serves, fetched as hooks/vendor_assets.py's ASSETS pin them
#    ("package version file"; tests/test_site_container.py checks the two lists agree). The hook
#    checks each file's SHA-256 when the site is built.
FROM node AS npm-files
WORKDIR /vendor
RUN set -eu; \
    for asset in "iframe-worker 1.0.4 package/shim/index.js"; do \
      set -- $asset; \
      tarball=$(npm pack "$1@$2" --silent | tail -n 1); \
      tar -xzf "$tarball" "$3"; \
      mv "$3" "$1-$2-$(basename "$3")"; \
      rm -rf "$tarball" package; \
    done

# 2. The site: the locked, hash-checked dependencies in a venv, then `mkdocs build --strict`
FROM python AS site
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    NO_MKDOCS_2_WARNING=1
WORKDIR /src
COPY requirements.lock ./
RUN python3 -m venv --without-pip /venv \
 && python3 -m pip --python /venv/bin/python install --quiet --require-hashes -r requirements.lock
COPY . .
COPY --from=npm-files /vendor/ .cache/vendor/
RUN /venv/bin/python -m mkdocs build --strict -d /site \
 && /venv/bin/python -m hooks.offline /site

# 3. What runs: Python's standard library, the built site and its server, nothing else
FROM python
WORKDIR /srv
COPY hooks/__init__.py hooks/site_server.py hooks/
COPY --from=site /site /srv/site
USER nobody
EXPOSE 80
CMD ["python3", "-m", "hooks.site_server", "/srv/site", "--host", "0.0.0.0", "--port", "80"]
