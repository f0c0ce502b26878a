"""`exportMyData`'s bounds: an archive over the size limit is refused and leaves no file, the
per-user rate limit holds at its edge, and expired archives are swept."""

from __future__ import annotations

import os
import time
from pathlib import Path

from graph_gateway.exports.store import ExportStore
from tests.graph_gateway.accounts.conftest import GatewayWith
from tests.graph_gateway.accounts.helpers import sign_up
from tests.graph_gateway.conftest import error_codes

EXPORT = "mutation { exportMyData { url byteSize } }"
ENTRY = (
    'mutation($c: String!) { createDiaryEntry(input: {date: "2026-01-02", content: $c}) { id } }'
)


def _files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


async def test_an_archive_over_the_limit_is_refused_and_removed(
    gateway_with: GatewayWith, tmp_path: Path
) -> None:
    exports = tmp_path / "exports"
    async with gateway_with(export_max_bytes=4096, export_dir=exports) as small:
        session = await sign_up(small)
        fits = await small.ok(EXPORT, token=session.token)
        assert 0 < fits["exportMyData"]["byteSize"] <= 4096
        # Random text does not compress: a few of these push the archive past 4 KiB.
        for _ in range(3):
            await small.ok(ENTRY, {"c": os.urandom(1500).hex()}, token=session.token)
        over = await small.post(EXPORT, token=session.token)
        assert error_codes(over) == ["PAYLOAD_TOO_LARGE"]
        assert len(_files(exports)) == 1  # the first archive; no partial file is left


async def test_exports_are_rate_limited_per_user(gateway_with: GatewayWith) -> None:
    async with gateway_with(
        rate_limit_enabled=True, rate_limit_export_per_user="2/hour"
    ) as limited:
        first, second = await sign_up(limited), await sign_up(limited)
        for _ in range(2):
            await limited.ok(EXPORT, token=first.token)
        third = await limited.post(EXPORT, token=first.token)
        assert error_codes(third) == ["RATE_LIMITED"]
        assert third["errors"][0]["extensions"]["retryAfter"] >= 1
        await limited.ok(EXPORT, token=second.token)


def test_the_sweep_removes_expired_archives_and_partials(tmp_path: Path) -> None:
    store = ExportStore(tmp_path, lifetime_s=60)
    fresh = store.path(user_id=1, export_id="a" * 32)
    old = store.path(user_id=1, export_id="b" * 32)
    partial = store.new_partial()
    for path in (fresh, old, partial):
        path.write_bytes(b"zip")
    an_hour_ago = time.time() - 3600
    for path in (old, partial):
        os.utime(path, (an_hour_ago, an_hour_ago))
    assert store.sweep() == 2
    assert _files(tmp_path) == [fresh]
    store.remove_user(1)
    assert _files(tmp_path) == []
