"""Image bytes take the same upstream path as GraphQL fields: breaker, counting, one mapping."""

from __future__ import annotations

import httpx

from tests.hardening.conftest import gateway_request_line, new_request_id
from tests.image_factory import png_bytes
from tests.support.live_stack import LiveStack, restart
from tests.support.uploads import new_user_and_entry, upload


async def test_an_image_fetch_is_counted_and_answers_503_while_the_diary_is_down(
    hardening_stack: LiveStack,
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        user, entry_id = await new_user_and_entry(http, hardening_stack)
        added = await upload(http, hardening_stack, user.token, entry_id, png_bytes())
        url = added.json()["data"]["addDiaryImage"]["url"]

        request_id = new_request_id()
        served = await http.get(url, headers={"X-Request-ID": request_id})
        assert served.status_code == 200
        line = gateway_request_line(hardening_stack, request_id)
        assert line["upstream"]["diary"]["count"] == 1

        hardening_stack.diary.stop()
        try:
            request_id = new_request_id()
            down = await http.get(url, headers={"X-Request-ID": request_id})
            assert down.status_code == 503
            assert "127.0.0.1" not in down.text
            # Counted like any upstream call (each attempt: reads are retried once here).
            line = gateway_request_line(hardening_stack, request_id)
            assert line["upstream"]["diary"]["count"] >= 1
        finally:
            restart(hardening_stack.diary, hardening_stack.env)
            # A ready answer closes the diary's breaker: later tests find it as before.
            ready = await http.get(f"{hardening_stack.gateway.url}/health/ready")
            assert ready.json()["checks"]["diary_breaker"] == "ok"
        assert (await http.get(url)).status_code == 200
