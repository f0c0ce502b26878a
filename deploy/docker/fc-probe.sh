#!/bin/bash
# `fc-probe PORT PATH`: 0 when a plain HTTP GET of PATH on 127.0.0.1:PORT answers 200. Health
# checks of the images that have no curl or Python (nginx, Prometheus): bash's /dev/tcp is enough.
set -eu
exec 3<>"/dev/tcp/127.0.0.1/$1"
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$2" >&3
read -r _ status _ <&3
[ "$status" = 200 ]
