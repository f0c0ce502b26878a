"""The typed per-request context: who is asking, the clients acting for them, the loaders."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from fastapi import Request
from strawberry.fastapi import BaseContext
from strawberry.types import Info as StrawberryInfo

from graph_gateway.accounts.auth import Accounts
from graph_gateway.clients.base import Upstream
from graph_gateway.clients.calendar import CalendarClient
from graph_gateway.clients.diary import DiaryClient
from graph_gateway.errors import UnauthenticatedError
from graph_gateway.loaders import Loaders
from graph_gateway.write_keys import WriteKeys

ACCOUNT_GONE = "The token is invalid: its account does not exist"
TOKEN_HINT = "Authentication required: send the header `Authorization: Bearer <token>`"  # noqa: S105 - a message


@dataclass(frozen=True, slots=True)
class Services:
    """What the gateway talks to, built once in the app's lifespan."""

    accounts: Accounts
    calendar: Upstream
    diary: Upstream


class GatewayContext(BaseContext):
    """One request's context; the user is known only once a resolver asks for it."""

    def __init__(
        self, *, services: Services, authorization: str | None, idempotency_key: str | None = None
    ) -> None:
        super().__init__()
        self.services = services
        self.authorization = authorization
        self.account_gone = False
        self.idempotency_key = idempotency_key

    @cached_property
    def user_id(self) -> int:
        """The id of the user whose valid token came with the request, else UNAUTHENTICATED."""
        scheme, _, token = (self.authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise UnauthenticatedError(TOKEN_HINT)
        user_id = self.services.accounts.tokens.verify(token.strip())
        if self.account_gone:
            raise UnauthenticatedError(ACCOUNT_GONE)
        return user_id

    async def confirm_account(self) -> None:
        """Check once per request that a valid token's account exists; if not, it is refused.

        A signature proves who issued the token, not that the account is still there: without
        this, a token for a deleted (or never created) account could still create data.
        """
        try:
            user_id = self.user_id
        except UnauthenticatedError:
            return  # anonymous, or refused anyway
        if not await self.services.accounts.user_exists(user_id):
            self.account_gone = True
            del self.user_id  # forget the cached id: the next read refuses

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
    def loaders(self) -> Loaders:
        """This request's DataLoaders."""
        return Loaders(calendar=self.calendar, diary=self.diary)


Info = StrawberryInfo[GatewayContext, None]
"""What every resolver receives."""


async def get_context(request: Request) -> GatewayContext:
    """Build the context for one GraphQL request (a FastAPI dependency)."""
    services: Services = request.app.state.services
    return GatewayContext(
        services=services,
        authorization=request.headers.get("authorization"),
        idempotency_key=request.headers.get("idempotency-key"),
    )
