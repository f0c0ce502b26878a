#!/usr/bin/env bash
# Make a local certificate authority and a server certificate it signs, for the cluster's TLS.
# Usage: make-local-ca.sh DIR [NAME...]  (names default to localhost and 127.0.0.1)
# Writes DIR/ca.pem (trust this one), DIR/server.pem (chain: server then CA) and DIR/server.key.
# Existing files are kept, so the CA stays the same across restarts; delete DIR to renew.
set -euo pipefail

dir=${1:?usage: make-local-ca.sh DIR [NAME...]}
shift
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(localhost 127.0.0.1)
mkdir -p "$dir"
chmod 700 "$dir"
cd "$dir"

if [ ! -f ca.pem ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
        -subj "/CN=Fortune Compass local CA" -keyout ca.key -out ca.pem \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        2>/dev/null
fi

if [ ! -f server.pem ]; then
    san=""
    for name in "${names[@]}"; do
        if [[ $name =~ ^[0-9.]+$ || $name == *:* ]]; then kind=IP; else kind=DNS; fi
        san+="${san:+,}$kind:$name"
    done
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -subj "/CN=${names[0]}" -keyout server.key -out server.csr 2>/dev/null
    # Browsers and Python's ssl want the names in subjectAltName and a serverAuth usage.
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' "$san" \
        > server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 397 \
        -extfile server.ext -out server.crt 2>/dev/null
    cat server.crt ca.pem > server.pem
    rm -f server.csr server.ext server.crt
fi
chmod 600 ./*.key
echo "$dir/ca.pem"
