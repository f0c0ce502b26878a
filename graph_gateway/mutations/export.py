"""`exportMyData`: an archive of everything the user owns."""

from __future__ import annotations

import strawberry

from graph_gateway.errors import RateLimitedError
from graph_gateway.rate_limit import RateLimitedError as BucketEmptyError
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
            try:
                await services.rate_limiter.check_export(principal.user_id)
            except BucketEmptyError as exc:
                raise RateLimitedError(exc.message, retry_after_s=exc.retry_after_s) from exc
        request = info.context.request
        assert request is not None
        result = await services.exporter.export(
            user_id=principal.user_id, request_base_url=str(request.base_url)
        )
        return DataExport(url=result.url, expires_at=result.expires_at, byte_size=result.byte_size)
