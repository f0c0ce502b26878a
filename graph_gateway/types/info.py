"""`Info`: what every resolver receives, typed by the request's `GatewayContext`.

Its own module, apart from `context.py`: the context builds the service clients, and the clients
build the GraphQL types, so a type module that imported the context would import itself.
Strawberry needs only `Info` itself at run time (it recognises the parameter by its class);
the context's class matters to the type checker alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry.types import Info as StrawberryInfo

if TYPE_CHECKING:
    from graph_gateway.context import GatewayContext

    Info = StrawberryInfo[GatewayContext, None]
else:
    Info = StrawberryInfo
