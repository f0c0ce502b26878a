"""The OpenAPI documents every status each route can return, and the migrations match the models."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI
from sqlalchemy import MetaData, Table
from sqlmodel import SQLModel

from fc_common.idempotency import idempotent_write_t


def _diary_operations(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    """The entry and tag operations (health and the image routes are tested apart)."""
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    return [
        (path, method, operation)
        for path, methods in paths.items()
        if not path.startswith("/health") and "images" not in path
        for method, operation in methods.items()
    ]


def test_every_route_documents_its_refusals(app: FastAPI) -> None:
    operations = _diary_operations(app)
    assert len(operations) >= 9
    for path, method, operation in operations:
        statuses = set(operation["responses"])
        label = f"{method.upper()} {path}"
        assert {"401", "413", "422"} <= statuses, label
        if "application/json" in operation.get("requestBody", {}).get("content", {}):
            assert "400" in statuses, label  # malformed JSON
        if "{" in path and not path.startswith("/tags/"):
            assert "404" in statuses, label
        assert operation["security"] == [{"InternalToken": []}], label
        if not path.startswith("/maintenance/"):  # the deleted-tag feed acts for no one user
            parameters = operation["parameters"]
            assert any(p["name"].lower() == "x-user-id" for p in parameters), label
        assert operation.get("description") or operation.get("summary"), label
        for status, response in operation["responses"].items():
            if status[0] in "45":
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (label, status)


def test_migrations_create_exactly_the_models_tables(app: FastAPI) -> None:
    # SQLModel's metadata is shared with any other service imported in this process.
    ours = MetaData()
    for mapper in SQLModel._sa_registry.mappers:
        if mapper.class_.__module__.startswith("diary_svc."):
            table = mapper.local_table
            assert isinstance(table, Table)
            table.to_metadata(ours)
    idempotent_write_t.to_metadata(ours)
    assert {"entry", "entry_tag", "retired_tag", "idempotent_write"} <= set(ours.tables)

    # The app's lifespan has migrated its fresh database to head.
    with app.state.db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, ours)

    assert diff == []
