"""Every GraphQL example in the README runs as written on the demo data, in any month."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from graphql import OperationDefinitionNode, parse, print_ast

from scripts.processes import REPO_ROOT
from scripts.seed import seed
from tests.support.graphql_client import GraphQLClient
from tests.support.live_stack import LiveStack

README = REPO_ROOT / "README.md"


def readme_operations() -> list[tuple[str | None, str]]:
    """(name, document) of each operation in the README's graphql blocks, in reading order."""
    text = README.read_text(encoding="utf-8")
    operations = []
    for block in re.findall(r"```graphql\n(.*?)```", text, flags=re.DOTALL):
        for definition in parse(block).definitions:
            assert isinstance(definition, OperationDefinitionNode)
            name = definition.name.value if definition.name else None
            operations.append((name, print_ast(definition)))
    return operations


async def test_every_readme_example_runs_on_the_demo_data(
    live_stack: LiveStack, graphql: GraphQLClient
) -> None:
    report = await asyncio.to_thread(seed, live_stack.graphql_url)
    operations = readme_operations()
    assert [name for name, _ in operations][:5] == [None, "Month", "Events", "Plan", "Add"]

    results: dict[str | None, dict[str, Any]] = {}
    for name, document in operations[:5]:
        # The README's instructions: the token of the demo login, Plan's tag id for Add.
        token = None if name is None else report.token
        variables = {"tagId": results["Plan"]["tag"]["id"]} if name == "Add" else None
        results[name] = (await graphql.execute(document, variables, token=token)).ok()

    assert results[None]["signUp"]["user"]["displayName"] == "민지"
    days = results["Month"]["days"]
    assert len(days) == 30
    assert sum(len(day["events"]) for day in days) > 10
    assert sum(len(day["diaryEntries"]) for day in days) > 5
    assert results["Events"]["events"]["totalCount"] > 10
    added = results["Add"]
    assert added["createEvent"]["tags"] == [{"name": "산책 Walk"}]
    assert "한강 러닝 · River run" in [e["title"] for e in added["createDiaryEntry"]["events"]]


async def test_the_readme_account_examples_run_as_a_session_would(
    live_stack: LiveStack, graphql: GraphQLClient
) -> None:
    documents = dict(readme_operations()[5:])
    assert list(documents) == [
        "SignUp", "Renew", "UpdateMe", "ChangePassword", "LogOut", "LogOutEverywhere",
        "CreateKey", "Keys", "RevokeKey",
    ]  # fmt: skip

    async def run(name: str, token: str | None, **variables: Any) -> dict[str, Any]:
        return (await graphql.execute(documents[name], variables or None, token=token)).ok()

    signed_up = (await run("SignUp", None))["signUp"]
    assert signed_up["user"]["timeZone"] == "Asia/Seoul"
    renewed = (await run("Renew", None, r=signed_up["refreshToken"]))["refreshToken"]
    token = renewed["token"]
    assert (await run("UpdateMe", token))["updateMe"] == {"timeZone": "America/Los_Angeles"}

    key = (await run("CreateKey", token))["createApiKey"]
    assert key["key"].startswith("fck_") and key["apiKey"]["scopes"] == ["READ"]
    listed = (await run("Keys", token))["apiKeys"]
    assert [k["id"] for k in listed] == [key["apiKey"]["id"]]
    assert (await run("RevokeKey", token, id=key["apiKey"]["id"]))["revokeApiKey"] == key["apiKey"][
        "id"
    ]

    token = (await run("ChangePassword", token))["changePassword"]["token"]
    assert (await run("LogOut", token))["logOut"] is True
    log_in = 'mutation { logIn(email: "minji@example.com", password: "an even longer passphrase") '
    again = (await graphql.execute(log_in + "{ token } }", token=None)).ok()["logIn"]["token"]
    assert (await run("LogOutEverywhere", again))["logOutEverywhere"] is True
    refused = await graphql.execute("{ me { id } }", token=again)
    assert refused.error_codes == ["UNAUTHENTICATED"]
