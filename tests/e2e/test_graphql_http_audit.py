"""The live gateway passes every graphql-http server audit (GraphQL-over-HTTP conformance)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.e2e.live import LiveStack


def test_every_graphql_over_http_audit_is_ok(
    live_stack: LiveStack, node: str, repo_root_path: Path
) -> None:
    """Run `serverAudits` from the graphql-http package: no warning, no error, not even a notice."""
    completed = subprocess.run(
        [node, "tests/node/audit.mjs", live_stack.graphql_url],
        cwd=repo_root_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    results = json.loads(completed.stdout)
    assert len(results) >= 60, "graphql-http ran fewer audits than it has"
    not_ok = [
        f"{r['status']} {r['id']} {r['name']}: {r['reason']}"
        for r in results
        if r["status"] != "ok"
    ]
    assert not_ok == []
