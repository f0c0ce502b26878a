"""The services trust only the gateway: a shared secret header plus the acting user's id."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import APIKeyHeader

from fc_common.errors import ServiceError

INTERNAL_TOKEN_HEADER = "X-Internal-Token"  # noqa: S105 - a header name
USER_ID_HEADER = "X-User-Id"

_token_scheme = APIKeyHeader(
    name=INTERNAL_TOKEN_HEADER,
    scheme_name="InternalToken",
    description="The secret shared by the gateway and the services.",
    auto_error=False,
)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who a request acts for: the user id the gateway vouches for."""

    user_id: int


def require_internal_token(
    request: Request, token: Annotated[str | None, Depends(_token_scheme)]
) -> None:
    """Refuse any request without the internal credential (401, nothing done)."""
    expected: bytes = request.app.state.internal_token
    if token is None or not hmac.compare_digest(token.encode(), expected):
        raise HTTPException(status_code=401, detail="Missing or wrong internal credential")


def current_caller(
    _: Annotated[None, Depends(require_internal_token)],
    x_user_id: Annotated[
        str,
        Header(description="Id of the user the gateway acts for", pattern=r"^[1-9][0-9]{0,17}$"),
    ],
) -> Caller:
    """The authenticated caller; every read and write is scoped by its user id."""
    try:
        return Caller(user_id=int(x_user_id))
    except ValueError as exc:  # pragma: no cover - the header pattern already refuses these
        raise ServiceError("X-User-Id must be a positive integer", field="X-User-Id") from exc


CallerDep = Annotated[Caller, Depends(current_caller)]
