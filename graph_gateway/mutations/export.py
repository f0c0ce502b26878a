"""`exportMyData`: an archive of everything the user owns."""

from __future__ import annotations

import strawberry

from graph_gateway.types.account_inputs import DataExport
from graph_gateway.types.decorators import mutation
from graph_gateway.types.info import Info


@strawberry.type
class ExportMutations:
    """Take one's data along."""

    @mutation(
        "Build a zip of everything the user owns (account, tags, events, diary entries as JSON; "
        "images as files) and answer a signed download link. A few per hour."
    )
    async def export_my_data(self, info: Info) -> DataExport:
        principal = info.context.session_principal
        services = info.context.services
        if services.rate_limiter is not None:
            await services.rate_limiter.check_export(principal.user_id)  # RATE_LIMITED
        return await services.accounts.exporter.export(
            user_id=principal.user_id, request_base_url=info.context.base_url
        )
