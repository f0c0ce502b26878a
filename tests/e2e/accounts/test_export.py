"""`exportMyData` on the live processes: the archive holds exactly what GraphQL shows the user,
its images byte for byte, nothing of anyone else, behind a signed, expiring URL."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from tests.e2e.accounts.owned import export_root, give_everything, read_everything
from tests.support.graphql_client import GraphQLClient, sign_up
from tests.support.live_stack import LiveStack

EXPORT = "mutation { exportMyData { url expiresAt byteSize } }"


def _node_list(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


async def test_archive_equals_what_graphql_shows(
    http: httpx.AsyncClient, live_stack: LiveStack
) -> None:
    graphql = GraphQLClient(http, live_stack.graphql_url)
    user, stranger = await sign_up(graphql), await sign_up(graphql)
    await give_everything(http, live_stack, user)
    await give_everything(http, live_stack, stranger)
    seen = await read_everything(graphql, user.token)

    export = (await graphql.execute(EXPORT, token=user.token)).ok()["exportMyData"]
    expires_at = datetime.fromisoformat(export["expiresAt"])
    assert timedelta(minutes=55) < expires_at - datetime.now(UTC) <= timedelta(minutes=60)
    response = await http.get(export["url"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["cache-control"] == "no-store"
    assert "attachment" in response.headers["content-disposition"]
    assert len(response.content) == export["byteSize"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None

    def read(name: str) -> Any:
        return json.loads(archive.read(name))

    account = read("account.json")
    assert account == {k: seen["me"][k] for k in account}
    assert read("tags.json") == seen["tags"]
    events = _node_list(seen["events"])
    assert read("events.json") == [
        {**{k: v for k, v in e.items() if k != "tags"}, "tagIds": [t["id"] for t in e["tags"]]}
        for e in events
    ]
    entries = _node_list(seen["diaryEntries"])
    exported_entries = read("diary_entries.json")
    assert [e["id"] for e in exported_entries] == [e["id"] for e in entries]
    for exported, entry in zip(exported_entries, entries, strict=True):
        assert exported["tagIds"] == [t["id"] for t in entry["tags"]]
        for key in ("date", "title", "content", "mood", "weather", "createdAt", "updatedAt"):
            assert exported[key] == entry[key], key
        assert len(exported["images"]) == len(entry["images"]) == 2
        for listed, image in zip(exported["images"], entry["images"], strict=True):
            shown = await http.get(image["url"])
            assert archive.read(listed["file"]) == shown.content
            assert listed["byteSize"] == image["byteSize"] == len(shown.content)
    image_files = [n for n in archive.namelist() if n.startswith("images/")]
    assert len(image_files) == 2
    # Nothing of the other user's: no id of theirs in any JSON document.
    theirs = await read_everything(graphql, stranger.token)
    their_ids = {e["node"]["id"] for e in theirs["diaryEntries"]["edges"]}
    assert not their_ids & {e["id"] for e in exported_entries}
    assert read("api_keys.json") == []


async def test_export_url_is_signed_for_one_user(
    http: httpx.AsyncClient, live_stack: LiveStack
) -> None:
    graphql = GraphQLClient(http, live_stack.graphql_url)
    user = await sign_up(graphql)
    url = (await graphql.execute(EXPORT, token=user.token)).ok()["exportMyData"]["url"]
    parts = urlsplit(url)
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    changed = [
        {**params, "sig": params["sig"][:-2] + "AA"},
        {**params, "u": str(int(params["u"]) + 1)},
        {**params, "exp": str(int(params["exp"]) + 60)},
        {k: v for k, v in params.items() if k != "sig"},
    ]
    for bad in changed:
        assert (await http.get(f"{base}?{urlencode(bad)}")).status_code == 403
    assert (
        await http.get(base.replace(parts.path.rsplit("/", 1)[1], "0" * 32) + "?" + parts.query)
    ).status_code == 403
    assert (await http.get(url)).status_code == 200
    # The archive sits on disk only under an unguessable name, and only until it expires.
    archives = [p.name for p in export_root(live_stack).glob(f"{user.id}-*.zip")]
    assert len(archives) == 1 and len(archives[0]) == len(f"{user.id}-") + 32 + 4
