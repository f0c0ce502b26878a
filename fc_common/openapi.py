"""OpenAPI helpers: stable JSON export (for `schema/` and the drift test) and response links."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Response, status

from fc_common.errors import error_responses

NO_CONTENT: dict[str, Any] = {"status_code": status.HTTP_204_NO_CONTENT, "response_class": Response}
"""A route's options when it answers 204 with no body (deletes)."""


def openapi_json(app: FastAPI) -> str:
    """The app's OpenAPI document as deterministic, diff-friendly JSON text."""
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def created_links(operation_ids: Sequence[str], *, path_param: str) -> dict[str, Any]:
    """OpenAPI `links` from a 201 answer to the operations on the object it created.

    The links carry the created id and the same acting user, which is what lets stateful tools
    (schemathesis) chain create → read → update → delete.
    """
    return {
        operation_id: {
            "operationId": operation_id,
            "parameters": {
                f"path.{path_param}": "$response.body#/id",
                "header.x-user-id": "$request.header.x-user-id",
            },
        }
        for operation_id in operation_ids
    }


def created_responses(
    operation_ids: Sequence[str], *, path_param: str, errors: Sequence[int]
) -> dict[int | str, dict[str, Any]]:
    """A create route's `responses=`: its 201 linked to `operation_ids`, and its error statuses."""
    links = created_links(operation_ids, path_param=path_param)
    return {201: {"links": links}, **error_responses(*errors)}
