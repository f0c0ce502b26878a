"""The per-request context: everything a resolver needs, typed.

The services (`Services`, built once), the caller (resolved before execution), the clients
acting for that caller, the DataLoaders, and what signed URLs and uploads need.
"""

from __future__ import annotations

import asyncio
from functools import cached_property
from zoneinfo import ZoneInfo

from fastapi import Request
from strawberry.fastapi import BaseContext

from graph_gateway.accounts.authenticator import Principal
from graph_gateway.clients.calendar import CalendarClient
from graph_gateway.clients.diary import DiaryClient
from graph_gateway.clients.diary_images import DiaryImagesClient
from graph_gateway.errors import (
    ForbiddenError,
    GatewayError,
    ServiceUnavailableError,
    UnauthenticatedError,
)
from graph_gateway.extensions.deadline import OUT_OF_TIME
from graph_gateway.http.image_urls import ImageUrlSigner
from graph_gateway.loaders import Loaders
from graph_gateway.services import GatewayServices, Services
from graph_gateway.time_zones import time_zone
from graph_gateway.write_keys import WriteKeys

TOKEN_HINT = "Authentication required: send the header `Authorization: Bearer <token>`"  # noqa: S105 - a message
SESSION_ONLY = "API keys cannot manage keys, sessions, the password or the account; log in"


class GatewayContext(BaseContext):
    """One request's context; the caller was resolved from `Authorization` before execution."""

    def __init__(
        self,
        *,
        services: Services,
        principal: Principal | None,
        auth_error: GatewayError | None = None,
        idempotency_key: str | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.principal_or_none = principal
        self._auth_error = auth_error
        self.idempotency_key = idempotency_key

    @cached_property
    def base_url(self) -> str:
        """The request's own address: signed image and export URLs start with it (unless
        GATEWAY_PUBLIC_URL says otherwise)."""
        assert self.request is not None, "GraphQL runs over HTTP only"
        return str(self.request.base_url)

    @property
    def image_urls(self) -> ImageUrlSigner:
        """The signer of image (and export) URLs."""
        return self.services.image_urls

    @property
    def max_image_bytes(self) -> int:
        """The largest image upload accepted (`GATEWAY_MAX_IMAGE_BYTES`)."""
        return self.services.settings.max_image_bytes

    @property
    def principal(self) -> Principal:
        """The caller, else UNAUTHENTICATED (no credential, or a bad, expired or revoked one)."""
        if self.principal_or_none is None:
            raise self._auth_error or UnauthenticatedError(TOKEN_HINT)
        return self.principal_or_none

    @property
    def session_principal(self) -> Principal:
        """The caller when signed in with a session's token; an API key is FORBIDDEN here."""
        principal = self.principal
        if principal.via_api_key:
            raise ForbiddenError(SESSION_ONLY)
        return principal

    @cached_property
    def user_id(self) -> int:
        """The id of the signed-in user, else UNAUTHENTICATED."""
        return self.principal.user_id

    @cached_property
    def time_zone(self) -> ZoneInfo:
        """The signed-in user's time zone."""
        return time_zone(self.principal.time_zone)

    @cached_property
    def write_keys(self) -> WriteKeys:
        """The keys this request's writes to the services carry (derived from the client's)."""
        return WriteKeys(user_id=self.user_id, client_key=self.idempotency_key)

    @cached_property
    def calendar(self) -> CalendarClient:
        """The calendar service, acting for the signed-in user."""
        return CalendarClient(self.services.calendar, user_id=self.user_id, keys=self.write_keys)

    @cached_property
    def diary(self) -> DiaryClient:
        """The diary service, acting for the signed-in user."""
        return DiaryClient(self.services.diary, user_id=self.user_id, keys=self.write_keys)

    @cached_property
    def diary_images(self) -> DiaryImagesClient:
        """The diary's image routes, acting for the signed-in user."""
        return DiaryImagesClient(self.services.diary, user_id=self.user_id)

    @cached_property
    def loaders(self) -> Loaders:
        """This request's DataLoaders."""
        return Loaders(calendar=self.calendar, diary=self.diary)


def bearer_credential(authorization: str) -> str:
    """The credential of an `Authorization: Bearer …` header, else UNAUTHENTICATED."""
    scheme, _, credential = authorization.partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        raise UnauthenticatedError(TOKEN_HINT)
    return credential.strip()


async def get_context(request: Request, services: GatewayServices) -> GatewayContext:
    """Build the context for one GraphQL request (a FastAPI dependency).

    The credential is checked here, before execution, because a session's revocation is a
    (cached) database read; an error is kept and raised only where a field needs the caller,
    so `signUp`, `logIn` and introspection work whatever the header says.
    """
    authorization = request.headers.get("authorization")

    def context(principal: Principal | None, error: GatewayError | None = None) -> GatewayContext:
        return GatewayContext(
            services=services,
            principal=principal,
            auth_error=error,
            idempotency_key=request.headers.get("idempotency-key"),
        )

    if authorization is None:
        return context(None)
    try:
        # The request's time budget also bounds the credential check (a cached database read).
        async with asyncio.timeout(services.settings.request_deadline_s):
            principal = await services.accounts.authenticator.authenticate(
                bearer_credential(authorization)
            )
    except TimeoutError:
        # The accounts database (or the threads that read it) did not answer in time: every
        # field that needs the caller is SERVICE_UNAVAILABLE, and nothing runs for them.
        return context(None, ServiceUnavailableError("gateway", OUT_OF_TIME))
    except GatewayError as error:
        return context(None, error)
    return context(principal)
