"""`signUp` and `logIn`: the only operations that need no token."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph_gateway.context import Info
from graph_gateway.types.arguments import ABSENT, given
from graph_gateway.types.decorators import mutation
from graph_gateway.types.user import AuthPayload, User


@strawberry.type
class AccountMutations:
    """Create an account or sign in."""

    @mutation("Create an account and sign it in.")
    async def sign_up(
        self,
        info: Info,
        email: Annotated[str, strawberry.argument(description="The email to sign in with.")],
        password: Annotated[str, strawberry.argument(description="8 to 128 characters.")],
        display_name: Annotated[
            str | None, strawberry.argument(description="The name shown to the user.")
        ] = ABSENT,
    ) -> AuthPayload:
        """Create an account and sign it in."""
        signed_in = await info.context.services.accounts.sign_up(
            email=email, password=password, display_name=given(display_name)
        )
        return AuthPayload(token=signed_in.token, user=User.from_row(signed_in.user))

    @mutation("Sign in with email and password.")
    async def log_in(
        self,
        info: Info,
        email: Annotated[str, strawberry.argument(description="The account's email.")],
        password: Annotated[str, strawberry.argument(description="The account's password.")],
    ) -> AuthPayload:
        """Sign in with email and password."""
        signed_in = await info.context.services.accounts.log_in(email=email, password=password)
        return AuthPayload(token=signed_in.token, user=User.from_row(signed_in.user))
