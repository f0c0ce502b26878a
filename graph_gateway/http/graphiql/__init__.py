"""GraphiQL served offline: the page, our start-up script, and the npm bundles it loads."""

from graph_gateway.http.graphiql.assets import Asset, GraphiQLAssets
from graph_gateway.http.graphiql.page import render_graphiql_page

__all__ = ["Asset", "GraphiQLAssets", "render_graphiql_page"]
