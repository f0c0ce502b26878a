"""Gateway migration 0003 (sessions, refresh tokens, API keys, deletions, time zone) upgrades
and downgrades without losing the accounts."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from fc_common.migrations import alembic_config, upgrade_to_head
from graph_gateway.app import MIGRATIONS_DIR

NEW_TABLES = {"auth_session", "refresh_token", "api_key", "account_deletion"}


def test_upgrade_downgrade_and_upgrade_again_keep_accounts(database_url: str) -> None:
    engine = create_engine(database_url)
    config = alembic_config(MIGRATIONS_DIR, database_url)
    try:
        command.upgrade(config, "0001")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO user_account (email, password_hash, display_name, created_at) "
                    "VALUES ('a@example.com', 'h', '민지', CURRENT_TIMESTAMP)"
                )
            )
        upgrade_to_head(MIGRATIONS_DIR, database_url)
        assert set(inspect(engine).get_table_names()) >= NEW_TABLES
        with engine.connect() as conn:
            assert conn.execute(text("SELECT time_zone FROM user_account")).scalar_one() == "UTC"

        command.downgrade(config, "0001")
        inspector = inspect(engine)
        assert not NEW_TABLES & set(inspector.get_table_names())
        columns = {c["name"] for c in inspector.get_columns("user_account")}
        assert "time_zone" not in columns
        with engine.connect() as conn:
            row = conn.execute(text("SELECT email, display_name FROM user_account")).one()
        assert tuple(row) == ("a@example.com", "민지")

        upgrade_to_head(MIGRATIONS_DIR, database_url)
        assert set(inspect(engine).get_table_names()) >= NEW_TABLES
    finally:
        engine.dispose()


def test_a_deleted_accounts_id_is_never_handed_out_again(database_url: str) -> None:
    engine = create_engine(database_url)
    config = alembic_config(MIGRATIONS_DIR, database_url)
    insert = text(
        "INSERT INTO user_account (email, password_hash, created_at) "
        "VALUES (:email, 'h', CURRENT_TIMESTAMP)"
    )
    try:
        command.upgrade(config, "0003")  # an existing installation, before ids were kept
        with engine.begin() as conn:
            conn.execute(insert, {"email": "old@example.com"})
        upgrade_to_head(MIGRATIONS_DIR, database_url)
        with engine.begin() as conn:
            highest = conn.execute(text("SELECT max(id) FROM user_account")).scalar_one()
            conn.execute(text("DELETE FROM user_account WHERE id = :id"), {"id": highest})
            conn.execute(insert, {"email": "new@example.com"})
            newest = conn.execute(text("SELECT max(id) FROM user_account")).scalar_one()
        assert newest > highest
        command.downgrade(config, "0003")
        upgrade_to_head(MIGRATIONS_DIR, database_url)
    finally:
        engine.dispose()
