"""Logs you can follow, and nothing in them that must not be there.

One JSON line per request in every process, tied together by the request id; the gateway's line
names the operation, the user and the upstream calls. No password, token, secret or diary text
in any line of any process, whatever the tests did (this module runs last in the directory and
reads every log the hardening stack wrote).
"""

from __future__ import annotations

import secrets

import pytest

from tests.hardening.conftest import (
    gateway_request_line,
    log_files,
    new_request_id,
    request_lines,
)
from tests.support.graphql_client import GraphQLClient, LiveUser
from tests.support.live_stack import LiveStack

pytestmark = pytest.mark.e2e

CREATE_EVENT = "mutation E($i: CreateEventInput!) { createEvent(input: $i) { id } }"
CREATE_ENTRY = "mutation D($i: CreateDiaryEntryInput!) { createDiaryEntry(input: $i) { id } }"
UPDATE_ENTRY = """mutation U($id: ID!, $i: UpdateDiaryEntryInput!) {
  updateDiaryEntry(id: $id, input: $i) { id } }"""
LOG_IN = "mutation LogIn($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }"
SIGN_UP = "mutation SignUp($e: String!, $p: String!) { signUp(email: $e, password: $p) { token } }"


async def test_one_line_per_request_names_operation_user_and_upstream_calls(
    hardening_stack: LiveStack, client: GraphQLClient, member: LiveUser
) -> None:
    event = {"title": "기록", "startsAt": "2026-06-01T09:00:00Z", "endsAt": "2026-06-01T10:00:00Z"}
    (await client.execute(CREATE_EVENT, {"i": event}, token=member.token)).ok()
    request_id = new_request_id()
    query = "query MyWeek { events(first: 5) { edges { node { id diaryEntries { id } } } } }"
    (await client.execute(query, token=member.token, headers={"X-Request-ID": request_id})).ok()

    line = gateway_request_line(hardening_stack, request_id)
    assert line["service"] == "graph_gateway"
    assert (line["method"], line["path"], line["status"]) == ("POST", "/graphql", 200)
    assert line["operation"] == "MyWeek"
    assert line["user_id"] == int(member.id)
    assert line["client_ip"] == "127.0.0.1"
    assert line["duration_ms"] > 0
    assert line["upstream"]["calendar"]["count"] == 1
    assert line["upstream"]["diary"]["count"] == 1
    assert line["upstream"]["diary"]["total_ms"] > 0
    # The request id crossed to both services and came back in their own lines.
    assert [r["path"] for r in request_lines(hardening_stack.calendar, request_id)] == [
        "/events/search"
    ]
    assert request_lines(hardening_stack.diary, request_id)[0]["path"] == "/entries/by-date-range"
    # One line per request in each process: the HTTP client's own line per call is gone.
    for process in hardening_stack.processes:
        assert len(request_lines(process, request_id)) == 1, request_lines(process, request_id)


async def test_an_unsane_request_id_is_replaced(client: GraphQLClient) -> None:
    result = await client.execute("{ __typename }", headers={"X-Request-ID": "bad id\twith<tags>"})
    echoed = result.response.headers["x-request-id"]
    assert echoed != "bad id\twith<tags>"
    assert len(echoed) == 32


async def test_no_password_token_secret_or_diary_text_in_any_log(
    hardening_stack: LiveStack, client: GraphQLClient, seen_secrets: set[str]
) -> None:
    email = f"log-{secrets.token_hex(4)}@example.test"
    password = f"pw-{secrets.token_urlsafe(12)}"
    wrong_password = f"wrong-{secrets.token_urlsafe(12)}"
    diary_text = f"비밀 일기 {secrets.token_hex(8)}"
    edited_text = f"고친 일기 {secrets.token_hex(8)}"
    forged_token = f"eyJforged.{secrets.token_urlsafe(24)}.sig"

    token = (await client.execute(SIGN_UP, {"e": email, "p": password})).ok()["signUp"]["token"]
    refused = await client.execute(LOG_IN, {"e": email, "p": wrong_password})
    assert refused.error_codes == ["UNAUTHENTICATED"]
    again = (await client.execute(LOG_IN, {"e": email, "p": password})).ok()["logIn"]["token"]
    entry = {"date": "2026-06-01", "content": diary_text, "mood": "CALM"}
    entry_id = (await client.execute(CREATE_ENTRY, {"i": entry}, token=token)).ok()[
        "createDiaryEntry"
    ]["id"]
    update = {"content": edited_text}
    await client.execute(UPDATE_ENTRY, {"id": entry_id, "i": update}, token=again)
    too_long = {"date": "2026-06-02", "content": diary_text * 2000}  # refused by the service
    assert (await client.execute(CREATE_ENTRY, {"i": too_long}, token=token)).error_codes == [
        "BAD_USER_INPUT"
    ]
    forged = await client.execute("{ me { id } }", token=forged_token)
    assert forged.error_codes == ["UNAUTHENTICATED"]
    last = new_request_id()
    await client.execute("{ me { id } }", token=token, headers={"X-Request-ID": last})
    gateway_request_line(hardening_stack, last)  # everything before it has been written

    forbidden = {
        password,
        wrong_password,
        diary_text,
        edited_text,
        token,
        again,
        forged_token,
        hardening_stack.internal_token,
        hardening_stack.env["GATEWAY_JWT_SECRET"],
        *seen_secrets,
    }
    files = log_files(hardening_stack)
    assert {f.name for f in files} >= {"calendar.log", "diary.log", "gateway.log"}
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert text, f"{path.name} is empty"
        leaked = sorted(s[:12] + "…" for s in forbidden if s in text)
        assert not leaked, f"{path.name} contains {leaked}"
