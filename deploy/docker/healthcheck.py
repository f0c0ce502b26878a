"""The image's HEALTHCHECK: readiness (`/health/ready`) of whichever process the container runs.

The process is read from PID 1's command line (`python3 -m graph_gateway`, …) and its port from
the same setting it listens on; a container running anything else (a migration) is healthy.
"""

import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

# module: (its settings' prefix, its default port)
PROCESSES = {
    "graph_gateway": ("GATEWAY_", 5000),
    "calendar_svc": ("CALENDAR_", 5001),
    "diary_svc": ("DIARY_", 5002),
}


def main() -> int:
    """0 when the process answers ready, 1 otherwise (what Docker's HEALTHCHECK expects)."""
    argv = [part.decode() for part in Path("/proc/1/cmdline").read_bytes().split(b"\0") if part]
    module = next((arg for arg in argv if arg in PROCESSES), None)
    if module is None:
        return 0
    prefix, default_port = PROCESSES[module]
    port = os.environ.get(f"{prefix}PORT", str(default_port))
    url = f"http://127.0.0.1:{port}/health/ready"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"{url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
