"""Write a service's OpenAPI document as stable JSON, for `schema/` and the drift test."""

from __future__ import annotations

import json

from fastapi import FastAPI


def openapi_json(app: FastAPI) -> str:
    """The app's OpenAPI document as deterministic, diff-friendly JSON text."""
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
