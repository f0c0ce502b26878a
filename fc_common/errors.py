"""The services' error shape, `{"code", "message", "field"}`, and the handlers that produce it.

ServiceError                    any refusal a service answers with a 4xx
 ├── NotFoundError              404 NOT_FOUND (missing, or another owner's)
 ├── ConflictError              409 (e.g. TAG_NAME_TAKEN)
 └── ValidationFailedError      422 VALIDATION_FAILED, naming the field
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

log = structlog.get_logger("fc.errors")

T = TypeVar("T")


class ErrorBody(BaseModel):
    """What every service error response carries."""

    code: str
    message: str
    field: str | None = None


class ServiceError(Exception):
    """A refusal with a status, a stable code, a message and the field it is about."""

    status_code = 400
    code = "BAD_REQUEST"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    def body(self) -> dict[str, Any]:
        """The JSON body of the response."""
        return ErrorBody(code=self.code, message=self.message, field=self.field).model_dump()


class NotFoundError(ServiceError):
    """The object does not exist for this owner."""

    status_code = 404
    code = "NOT_FOUND"


def found_or_404(found: Sequence[T | None], message: str) -> T:
    """What a lookup of one id found (`found[0]`), or `NotFoundError(message)`."""
    item = found[0]
    if item is None:
        raise NotFoundError(message)
    return item


class ConflictError(ServiceError):
    """The write collides with existing data."""

    status_code = 409
    code = "CONFLICT"


class ValidationFailedError(ServiceError):
    """An input value breaks a validation rule."""

    status_code = 422
    code = "VALIDATION_FAILED"


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting the error statuses a route may return."""
    described = {
        400: "Malformed request",
        401: "Missing or wrong internal credential",
        404: "Not found for this owner",
        409: "Conflicts with existing data",
        413: "Body too large",
        422: "Validation failed",
    }
    return {s: {"model": ErrorBody, "description": described.get(s, "Error")} for s in statuses}


def _field_of(loc: Sequence[int | str]) -> str | None:
    """The input field a validation error points at (`body.title` → `title`)."""
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or None


async def _service_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceError)
    return JSONResponse(exc.body(), status_code=exc.status_code)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid", "type": ""}
    if first.get("type") == "json_invalid":
        body = ErrorBody(code="BAD_REQUEST", message="Body is not valid JSON")
        return JSONResponse(body.model_dump(), status_code=400)
    message = str(first.get("msg", "invalid"))
    body = ErrorBody(code="VALIDATION_FAILED", message=message, field=_field_of(first["loc"]))
    return JSONResponse(body.model_dump(), status_code=422)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {
        401: "UNAUTHENTICATED",
        404: "NOT_FOUND",
        405: "METHOD_NOT_ALLOWED",
        413: "PAYLOAD_TOO_LARGE",
    }
    body = ErrorBody(code=codes.get(exc.status_code, "BAD_REQUEST"), message=str(exc.detail))
    return JSONResponse(body.model_dump(), status_code=exc.status_code, headers=exc.headers)


async def _unexpected_error(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    body = ErrorBody(code="INTERNAL", message="Internal error")
    return JSONResponse(body.model_dump(), status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    """Make every error answer in the one JSON shape, never with a traceback."""
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
