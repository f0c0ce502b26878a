"""SQL statements are labelled by verb and their first real table, from a small closed set."""

from __future__ import annotations

import pytest

from fc_common.sql_metrics import statement_name


@pytest.mark.parametrize(
    ("sql", "name"),
    [
        ("SELECT event.id FROM event WHERE event.owner_id = ?", "SELECT event"),
        ('SELECT "user".id FROM "user"', "SELECT user"),
        (
            "WITH req_1(k, r_start) AS \n(VALUES (?, ?))\n SELECT req_1.k, event.id "
            "FROM req_1 JOIN event ON event.owner_id = ?",
            "SELECT event",
        ),
        ("SELECT count(*) FROM (SELECT tag.id FROM tag) AS anon_1", "SELECT tag"),
        ("INSERT INTO event_tag (event_id, tag_id) VALUES (?, ?)", "INSERT event_tag"),
        ("UPDATE diary_entry SET content=? WHERE id = ?", "UPDATE diary_entry"),
        ("DELETE FROM image WHERE image.id = ?", "DELETE image"),
        ("BEGIN IMMEDIATE", "BEGIN"),
        ("PRAGMA journal_mode=WAL", "PRAGMA"),
        ("SELECT 1", "SELECT"),
        ("VACUUM", "OTHER"),
    ],
)
def test_statement_names(sql: str, name: str) -> None:
    assert statement_name(sql) == name
