"""`signUp`, `logIn` and `refreshToken`: the only operations that need no token."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph_gateway.types.arguments import ABSENT, Password, describe, given
from graph_gateway.types.decorators import mutation
from graph_gateway.types.info import Info
from graph_gateway.types.user import AuthPayload


@strawberry.type
class AccountMutations:
    """Create an account, sign in, or renew a session's tokens."""

    @mutation("Create an account and sign it in.")
    async def sign_up(
        self,
        info: Info,
        email: Annotated[str, describe("The email to sign in with.")],
        password: Annotated[
            str,
            strawberry.argument(
                description="8 to 128 characters, not a commonly used password, not the email."
            ),
        ],
        display_name: Annotated[str | None, describe("The name shown to the user.")] = ABSENT,
        time_zone: Annotated[
            str | None,
            describe("The user's IANA time zone (default `UTC`)."),
        ] = ABSENT,
    ) -> AuthPayload:
        signed_in = await info.context.services.accounts.users.sign_up(
            email=email,
            password=password,
            display_name=given(display_name),
            time_zone=given(time_zone),
        )
        return AuthPayload.from_signed_in(signed_in)

    @mutation("Sign in with email and password: a new session.")
    async def log_in(
        self,
        info: Info,
        email: Annotated[str, describe("The account's email.")],
        password: Password,
    ) -> AuthPayload:
        signed_in = await info.context.services.accounts.users.log_in(
            email=email, password=password
        )
        return AuthPayload.from_signed_in(signed_in)

    @mutation(
        "Trade a refresh token for a new access token and refresh token. The old refresh token "
        "dies; presenting it again ends the whole session (it must have been copied)."
    )
    async def refresh_token(
        self,
        info: Info,
        refresh_token: Annotated[str, describe("The latest refresh token of the session.")],
    ) -> AuthPayload:
        signed_in = await info.context.services.accounts.users.refresh(refresh_token)
        return AuthPayload.from_signed_in(signed_in)
