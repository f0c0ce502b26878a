"""A client retrying with its `Idempotency-Key` after the diary was SIGKILLed mid-burst gets
exactly one entry per key: real processes, a real kill, a real restart."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from scripts.processes import wait_ready
from tests.e2e.conftest import DatabaseSet
from tests.support.graphql_client import GraphQLClient, GraphQLResult, sign_up
from tests.support.live_stack import running_stack

KEYS = [f"retry-{n}" for n in range(8)]
CREATE_ENTRY = (
    'mutation($c: String!) { createDiaryEntry(input: {date: "2026-06-01", content: $c}) { id } }'
)


async def test_retries_after_a_diary_sigkill_create_one_entry_per_key(
    tmp_path: Path, make_databases: DatabaseSet
) -> None:
    with running_stack(tmp_path, make_databases("retry")) as stack:
        async with httpx.AsyncClient(timeout=30.0) as http:
            graphql = GraphQLClient(http, stack.graphql_url)
            user = await sign_up(graphql)

            async def create(key: str) -> GraphQLResult:
                return await graphql.execute(
                    CREATE_ENTRY,
                    {"c": key},
                    token=user.token,
                    headers={"Idempotency-Key": key},
                )

            burst = [asyncio.create_task(create(key)) for key in KEYS]
            await asyncio.sleep(0.05)
            assert stack.diary.popen is not None
            stack.diary.popen.kill()
            stack.diary.stop()  # reaps it and closes its log before the restart
            first = await asyncio.gather(*burst)
            stack.diary.start(stack.env)
            await asyncio.to_thread(wait_ready, [stack.diary])

            answers: dict[str, str] = {}
            async with asyncio.timeout(60):
                while len(answers) < len(KEYS):
                    for key in set(KEYS) - set(answers):
                        result = await create(key)
                        if not result.errors:
                            answers[key] = result.data["createDiaryEntry"]["id"]  # type: ignore[index]
                        else:
                            codes = [e["extensions"]["code"] for e in result.errors]
                            assert codes == ["SERVICE_UNAVAILABLE"], result.errors
                            await asyncio.sleep(0.2)
            for key, result in zip(KEYS, first, strict=True):
                if not result.errors:
                    assert result.data == {"createDiaryEntry": {"id": answers[key]}}
            total = await graphql.execute("{ diaryEntries { totalCount } }", token=user.token)
    assert len(set(answers.values())) == len(KEYS)
    assert total.ok() == {"diaryEntries": {"totalCount": len(KEYS)}}
