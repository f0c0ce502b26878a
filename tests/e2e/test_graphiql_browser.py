"""GraphiQL in a real browser, offline: log in through a mutation, then query with the token.

Playwright drives Debian's Chromium (`make browser`); every request that is not to loopback is
aborted and recorded, so a CDN reference anywhere in the page fails the test.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Page, Route, async_playwright

from tests.support.graphql_client import LiveUser
from tests.support.live_stack import LiveStack
from tests.support.tools import require

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
UI_TIMEOUT_MS = 30_000
QUERY_EDITOR = ".graphiql-query-editor"
HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden)"
RESULT_PANE = ".result-window"

pytestmark = pytest.mark.browser


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Headless Debian Chromium (never a Playwright-downloaded browser)."""
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing: run `make browser`")  # noqa: ASYNC240
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


async def editor_value(page: Page, selector: str) -> str:
    """The text of the CodeMirror editor inside `selector`."""
    value: str = await page.eval_on_selector(
        f"{selector} .CodeMirror", "el => el.CodeMirror.getValue()"
    )
    return value


async def set_editor(page: Page, selector: str, text: str) -> None:
    """Replace the text of the CodeMirror editor inside `selector`, as typing would."""
    await page.eval_on_selector(
        f"{selector} .CodeMirror", "(el, text) => el.CodeMirror.setValue(text)", text
    )


async def run_and_read(page: Page, query: str, expect: str) -> dict[str, Any]:
    """Put `query` in the editor, press the run button, wait for `expect` in the result pane."""
    await set_editor(page, QUERY_EDITOR, query)
    # With several operations in the editor the button opens a menu; wait until GraphiQL has
    # parsed the new text, one operation, and the button runs it.
    await page.click(".graphiql-execute-button:not([aria-haspopup])", timeout=UI_TIMEOUT_MS)
    await page.wait_for_function(
        """expect => {
            const cm = document.querySelector('.result-window .CodeMirror');
            return cm && cm.CodeMirror.getValue().includes(expect);
        }""",
        arg=expect,
        timeout=UI_TIMEOUT_MS,
    )
    result: dict[str, Any] = json.loads(await editor_value(page, RESULT_PANE))
    return result


async def test_graphiql_logs_in_and_queries_offline(
    live_stack: LiveStack, user: LiveUser, browser: Browser
) -> None:
    """Open GraphiQL, log in with a mutation, paste the token in the headers, run `me`."""
    context = await browser.new_context()
    requested: list[str] = []
    left_loopback: list[str] = []
    page_errors: list[str] = []

    async def only_loopback(route: Route) -> None:
        url = route.request.url
        requested.append(url)
        if urlsplit(url).hostname in LOOPBACK:
            await route.continue_()
        else:
            left_loopback.append(url)
            await route.abort("blockedbyclient")

    await context.route("**/*", only_loopback)
    page = await context.new_page()
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        response = await page.goto(live_stack.graphql_url)
        assert response is not None and response.status == 200
        await page.wait_for_selector(f"{QUERY_EDITOR} .CodeMirror", timeout=UI_TIMEOUT_MS)

        hint = await editor_value(page, HEADERS_EDITOR)
        assert "Bearer <token from logIn>" in hint
        assert "logIn" in await editor_value(page, QUERY_EDITOR)

        login = (
            f'mutation {{ logIn(email: "{user.email}", password: "{user.password}") '
            "{ token user { email } } }"
        )
        logged_in = await run_and_read(page, login, '"logIn"')
        token = logged_in["data"]["logIn"]["token"]
        assert logged_in["data"]["logIn"]["user"]["email"] == user.email

        await set_editor(page, HEADERS_EDITOR, json.dumps({"Authorization": f"Bearer {token}"}))
        # Wait for a key only the new result has: the previous one shows the email too.
        me = await run_and_read(page, "query { me { email displayName } }", '"me"')
        assert me == {"data": {"me": {"email": user.email, "displayName": "E2E 사용자"}}}
    finally:
        await context.close()

    assert left_loopback == []
    assert page_errors == []
    assert any("/graphql/assets/graphiql@" in url for url in requested)
