"""A token speaks for a user only with a canonical subject, a live session and a real account."""

from __future__ import annotations

from datetime import timedelta

from graph_gateway.accounts.tokens import Tokens, canonical_id
from tests.graph_gateway.conftest import JWT_SECRET, Gateway, error_codes

CREATE_TAG = 'mutation { createTag(input: {name: "t", color: "#112233"}) { id } }'


def test_only_a_canonical_ascii_id_in_range_is_a_subject() -> None:
    assert [canonical_id(s) for s in ("1", "42", str(2**53 - 1))] == [1, 42, 2**53 - 1]
    for subject in ("٢", "0", "01", "-1", " 1", "1 ", "1.0", "1e3", str(2**53), "", 7, None):
        assert canonical_id(subject) is None, subject


async def test_a_signed_token_for_a_missing_account_creates_nothing(gateway: Gateway) -> None:
    token = await gateway.sign_up()
    settings = gateway.settings
    tokens = Tokens(
        secret=JWT_SECRET,
        ttl=timedelta(minutes=5),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
    )
    for user_id, session_id in ((999_999, 1), (1, 999_999), (2**53 - 1, 2**53 - 1)):
        forged = tokens.issue(user_id, session_id=session_id)
        body = await gateway.post(CREATE_TAG, token=forged)
        assert error_codes(body) == ["UNAUTHENTICATED"], (user_id, session_id, body)
    # The real account still has no tags: none of the refused writes landed anywhere.
    assert (await gateway.ok("{ tags { id } }", token=token))["tags"] == []
