#!/bin/sh
# `fc-nginx edge|balancer`: run nginx in the foreground with that config. The edge first makes
# its TLS certificate (a local CA and a server certificate for FC_TLS_NAMES) if the volume has none.
set -eu
role=${1:-edge}
if [ "$role" = edge ]; then
    # shellcheck disable=SC2086
    /usr/local/bin/make-local-ca.sh /srv/tls ${FC_TLS_NAMES:-localhost 127.0.0.1}
fi
config=/tmp/nginx-$role.conf
sed "s/{{https_port}}/${FC_PUBLIC_HTTPS_PORT:-443}/g" "/etc/fc-nginx/$role.conf" >"$config"
exec nginx -c "$config" -e stderr
