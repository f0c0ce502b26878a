"""The credential-check bench runs and reports every case (its figures are the bench's job)."""

from __future__ import annotations

from bench.auth_cost import measure


async def test_auth_cost_bench_measures_every_case(database_url: str) -> None:
    results = await measure(database_url, calls=5)
    assert [name for name, _, _ in results] == [
        "jwt verify only",
        "session, cached",
        "session, database",
        "api key, cached",
        "api key, database",
    ]
    assert all(wall > 0 and cpu >= 0 for _, wall, cpu in results)
