# PostgreSQL from the base image's Debian packages (no registry image needed). The first start
# makes the cluster, the application role and one database per process (postgres-start.sh).
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-common >/dev/null \
    && echo "create_main_cluster = false" >>/etc/postgresql-common/createcluster.conf \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null \
    && rm -rf /var/lib/apt/lists/* \
    && ln -s "$(ls -d /usr/lib/postgresql/*/bin | tail -n 1)" /usr/local/lib/pgbin \
    && mkdir -p /var/lib/postgresql/data /run/postgresql \
    && chown -R postgres:postgres /var/lib/postgresql /run/postgresql
COPY deploy/docker/postgres-start.sh /usr/local/bin/fc-postgres
ENV PATH=/usr/local/lib/pgbin:$PATH PGDATA=/var/lib/postgresql/data
USER postgres
EXPOSE 5432
HEALTHCHECK --interval=3s --timeout=3s --start-period=30s --retries=5 \
    CMD ["pg_isready", "-q", "-h", "127.0.0.1", "-U", "postgres"]
CMD ["/usr/local/bin/fc-postgres"]
