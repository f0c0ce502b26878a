"""Each process writes (and rotates) its own log file, even when they share `FC_LOG_FILE`."""

from __future__ import annotations

from pathlib import Path

from fc_common.logging import own_log_file


def test_the_service_name_goes_before_the_extension() -> None:
    shared = Path("/var/log/fc/app.log")
    files = {own_log_file(shared, s) for s in ("graph_gateway", "calendar_svc", "diary_svc")}
    assert files == {
        Path("/var/log/fc/app.graph_gateway.log"),
        Path("/var/log/fc/app.calendar_svc.log"),
        Path("/var/log/fc/app.diary_svc.log"),
    }


def test_a_service_placeholder_is_filled_in() -> None:
    assert own_log_file(Path("/logs/{service}/out.jsonl"), "diary_svc") == Path(
        "/logs/diary_svc/out.jsonl"
    )
