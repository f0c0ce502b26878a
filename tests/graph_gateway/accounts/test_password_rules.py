"""Password rules at sign-up: 8 to 128 characters, not on the shipped common list, not the email."""

from __future__ import annotations

import pytest

from graph_gateway.accounts.password_policy import common_passwords
from tests.graph_gateway.accounts.helpers import SIGN_UP, fresh_email
from tests.graph_gateway.conftest import Gateway, error_codes


def test_the_common_password_list_ships_with_the_project() -> None:
    listed = common_passwords()
    assert len(listed) > 8_000
    assert {"password", "password1", "12345678", "qwertyuiop"} <= listed
    assert all(len(p) >= 8 for p in listed)


@pytest.mark.parametrize(
    "password",
    ["1234567", "x" * 129, "password", "PassWord1", "12345678", "qwertyuiop"],
)
async def test_weak_passwords_are_refused(gateway: Gateway, password: str) -> None:
    email = fresh_email()
    body = await gateway.post(SIGN_UP, {"e": email, "p": password})
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "password"
    # Nothing was written: the email is still free.
    await gateway.ok(SIGN_UP, {"e": email, "p": "a fine long passphrase"}, token=None)


async def test_the_email_is_not_a_password(gateway: Gateway) -> None:
    email = fresh_email()
    for password in (email, email.upper(), email.partition("@")[0]):
        body = await gateway.post(SIGN_UP, {"e": email, "p": password})
        assert error_codes(body) == ["BAD_USER_INPUT"], password


@pytest.mark.parametrize("password", ["k9$vQ2!m", "긴 비밀번호 문장", "x" * 128, "🔑" * 8])
async def test_length_edges_and_unicode_are_accepted(gateway: Gateway, password: str) -> None:
    await gateway.ok(SIGN_UP, {"e": fresh_email(), "p": password}, token=None)
