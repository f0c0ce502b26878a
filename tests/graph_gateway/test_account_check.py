"""A valid token authenticates only while its account exists (checked once per request)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from fc_common.db import Database, create_db_engine
from fc_common.migrations import upgrade_to_head
from graph_gateway.accounts import queries
from graph_gateway.accounts.auth import Accounts
from graph_gateway.accounts.passwords import Passwords
from graph_gateway.accounts.tokens import Tokens, user_id_from_subject
from graph_gateway.app import MIGRATIONS_DIR
from tests.conftest import DatabaseUrlFactory


def test_only_a_canonical_ascii_id_in_range_is_a_subject() -> None:
    assert [user_id_from_subject(s) for s in ("1", "42", str(2**53 - 1))] == [1, 42, 2**53 - 1]
    for subject in ("٢", "0", "01", "-1", " 1", "1 ", "1.0", "1e3", str(2**53), "", 7, None):
        assert user_id_from_subject(subject) is None, subject


async def test_an_account_is_believed_only_while_it_exists(
    make_database_url: DatabaseUrlFactory,
) -> None:
    url = make_database_url("gateway")
    upgrade_to_head(MIGRATIONS_DIR, url)
    db = Database(create_db_engine(url))
    try:
        accounts = Accounts(
            db=db,
            passwords=Passwords(time_cost=1, memory_kib=1024, parallelism=1),
            tokens=Tokens(secret="s" * 32, ttl=timedelta(minutes=5), issuer="i", audience="a"),
        )
        with db.write() as session:
            user = queries.create_user(
                session=session, email="a@b.io", password_hash="x", display_name=None
            )
        assert user.id is not None
        assert await accounts.user_exists(user.id)
        assert not await accounts.user_exists(user.id + 1)

        with db.write() as session:
            session.execute(text("DELETE FROM user_account WHERE id = :id"), {"id": user.id})
        assert await accounts.user_exists(user.id)  # believed for a few seconds…
        accounts.forget(user.id)  # …unless the deletion says so
        assert not await accounts.user_exists(user.id)
    finally:
        db.dispose()
