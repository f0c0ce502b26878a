"""A tag deletion cut in half by a SIGKILL of the diary leaves nothing dangling once it is back:
the gateway carries the calendar's tombstone over, and `make fsck` finds nothing."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx

from scripts.processes import wait_ready
from tests.e2e.conftest import DatabaseSet
from tests.e2e.test_backup_restore import run_backup_cli
from tests.support.graphql_client import GraphQLClient, sign_up
from tests.support.live_stack import running_stack

CREATE_TAG = 'mutation { createTag(input: {name: "곧 삭제", color: "#AA0000"}) { id } }'
CREATE_ENTRY = (
    'mutation($t: [ID!]) { createDiaryEntry(input: {date: "2026-06-02", content: "x", '
    "tagIds: $t}) { id } }"
)
TAGGED = "query($t: ID) { diaryEntries(tagId: $t) { totalCount } }"


async def test_a_tag_deletion_cut_by_a_diary_sigkill_heals(
    tmp_path: Path, make_databases: DatabaseSet
) -> None:
    fast_sync = {"GATEWAY_TAG_SYNC_INTERVAL_S": "0.5"}
    with running_stack(tmp_path, make_databases("tagcrash"), extra_env=fast_sync) as stack:
        async with httpx.AsyncClient(timeout=30.0) as http:
            graphql = GraphQLClient(http, stack.graphql_url)
            user = await sign_up(graphql)
            tag = (await graphql.execute(CREATE_TAG, token=user.token)).ok()["createTag"]["id"]
            for _ in range(3):
                (await graphql.execute(CREATE_ENTRY, {"t": [tag]}, token=user.token)).ok()

            assert stack.diary.popen is not None
            stack.diary.popen.kill()
            stack.diary.stop()
            cut = await graphql.execute(
                "mutation($id: ID!) { deleteTag(id: $id) }", {"id": tag}, token=user.token
            )
            assert [e["extensions"]["code"] for e in cut.errors] == ["SERVICE_UNAVAILABLE"]

            stack.diary.start(stack.env)
            await asyncio.to_thread(wait_ready, [stack.diary])
            async with asyncio.timeout(30):
                while True:
                    result = await graphql.execute(TAGGED, {"t": tag}, token=user.token)
                    if not result.errors and result.data == {"diaryEntries": {"totalCount": 0}}:
                        break
                    await asyncio.sleep(0.2)
        fsck = run_backup_cli(stack, "fsck")
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
    assert not any(json.loads(fsck.stdout)["found"].values())
