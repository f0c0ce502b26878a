# Prometheus from the base image's Debian packages, scraping every replica's metrics port and
# evaluating deploy/prometheus/alerts.yml.
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /srv/prometheus && chown prometheus /srv/prometheus
COPY deploy/docker/prometheus.yml /etc/fc-prometheus/prometheus.yml
COPY deploy/prometheus/alerts.yml /etc/fc-prometheus/alerts.yml
COPY deploy/docker/fc-probe.sh /usr/local/bin/fc-probe
USER prometheus
EXPOSE 9090
HEALTHCHECK --interval=3s --timeout=3s --start-period=20s --retries=5 CMD ["fc-probe", "9090", "/-/ready"]
CMD ["prometheus", "--config.file=/etc/fc-prometheus/prometheus.yml", "--storage.tsdb.path=/srv/prometheus", "--web.listen-address=0.0.0.0:9090"]
