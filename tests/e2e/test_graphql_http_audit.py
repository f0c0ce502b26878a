"""The live gateway passes every graphql-http server audit (GraphQL-over-HTTP conformance)."""

from __future__ import annotations

from tests.e2e.conftest import NodeScript
from tests.support.live_stack import LiveStack


def test_every_graphql_over_http_audit_is_ok(live_stack: LiveStack, run_node: NodeScript) -> None:
    """Run `serverAudits` from the graphql-http package: no warning, no error, not even a notice."""
    results = run_node("audit.mjs", live_stack.graphql_url)
    assert len(results) >= 60, "graphql-http ran fewer audits than it has"
    not_ok = [
        f"{r['status']} {r['id']} {r['name']}: {r['reason']}"
        for r in results
        if r["status"] != "ok"
    ]
    assert not_ok == []
