# nginx from the base image's Debian packages (no registry image needed): the cluster's TLS edge
# (edge.conf) and the balancer between the gateways and the service replicas (balancer.conf).
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx openssl >/dev/null \
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/* \
    && mkdir -p /srv/tls && chown www-data:www-data /srv/tls
COPY deploy/docker/nginx-edge.conf /etc/fc-nginx/edge.conf
COPY deploy/docker/nginx-balancer.conf /etc/fc-nginx/balancer.conf
COPY deploy/docker/nginx-start.sh /usr/local/bin/fc-nginx
COPY deploy/docker/fc-probe.sh /usr/local/bin/fc-probe
COPY scripts/make-local-ca.sh /usr/local/bin/make-local-ca.sh
USER www-data
ENTRYPOINT ["/usr/local/bin/fc-nginx"]
CMD ["edge"]
