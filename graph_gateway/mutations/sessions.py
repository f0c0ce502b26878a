"""Mutations on the signed-in account: sessions, password, profile, deletion. A session's token
is required for each of them: an API key is FORBIDDEN."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph_gateway.errors import BadUserInputError
from graph_gateway.types.account_inputs import UpdateMeInput
from graph_gateway.types.arguments import Password, describe, given
from graph_gateway.types.decorators import mutation
from graph_gateway.types.info import Info
from graph_gateway.types.user import AuthPayload, User


@strawberry.type
class SessionMutations:
    """End sessions, change the password or profile, delete the account."""

    @mutation("End this session: its access and refresh tokens stop working.")
    async def log_out(self, info: Info) -> bool:
        principal = info.context.session_principal
        assert principal.session_id is not None  # a session principal always has one
        await info.context.services.accounts.users.log_out(
            user_id=principal.user_id, session_id=principal.session_id
        )
        return True

    @mutation("End every session of the account, this one included (API keys stay).")
    async def log_out_everywhere(self, info: Info) -> bool:
        principal = info.context.session_principal
        await info.context.services.accounts.users.end_all_sessions(principal.user_id)
        return True

    @mutation(
        "Change the password (the current one is required). Every session ends; the answer "
        "carries the tokens of a new one."
    )
    async def change_password(
        self,
        info: Info,
        current_password: Annotated[str, describe("The password in use now.")],
        new_password: Annotated[str, describe("8 to 128 characters, not a common password.")],
    ) -> AuthPayload:
        principal = info.context.session_principal
        signed_in = await info.context.services.accounts.users.change_password(
            user_id=principal.user_id, current=current_password, new=new_password
        )
        return AuthPayload.from_signed_in(signed_in)

    @mutation("Change the signed-in user's display name or time zone.")
    async def update_me(
        self, info: Info, input: Annotated[UpdateMeInput, describe("What to change.")]
    ) -> User:
        principal = info.context.session_principal
        row = await info.context.services.accounts.users.update_profile(
            user_id=principal.user_id,
            display_name=given(input.display_name),
            set_name=input.display_name is not strawberry.UNSET,
            time_zone=given(input.time_zone),
            set_zone=input.time_zone is not strawberry.UNSET,
        )
        return User.from_row(row)

    @mutation(
        "Delete the account and everything it owns in every service, images included. Its "
        "tokens and API keys stop working at once; the email can sign up again."
    )
    async def delete_account(self, info: Info, password: Password) -> bool:
        principal = info.context.session_principal
        services = info.context.services
        if not await services.accounts.users.verify_password(
            user_id=principal.user_id, password=password
        ):
            raise BadUserInputError("The password is wrong", field="password")
        await services.accounts.eraser.erase(principal.user_id)
        return True
