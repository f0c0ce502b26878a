"""The gateway's label bounds: operation names capped, service paths as route templates."""

from __future__ import annotations

from graph_gateway.observability.metrics import OTHER, BoundedLabels, route_template


def test_names_past_the_cap_share_one_label() -> None:
    names = BoundedLabels(3)
    assert [names(n) for n in ("A", "B", "A", "C", "D", "E", "B")] == [
        "A", "B", "A", "C", OTHER, OTHER, "B",
    ]  # fmt: skip


def test_ids_in_service_paths_become_placeholders() -> None:
    assert route_template("/events/12") == "/events/{id}"
    assert route_template("/entries/7/images") == "/entries/{id}/images"
    assert route_template("/events/overlapping") == "/events/overlapping"
    assert route_template("/tags/3?x=1") == "/tags/{id}"
    assert route_template("/v2x/99abc") == "/v2x/99abc"
