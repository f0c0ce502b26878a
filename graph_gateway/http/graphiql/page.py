"""The GraphiQL HTML page: our settings embedded as JSON, scripts from the gateway itself."""

from __future__ import annotations

import calendar
import html
import json
from datetime import UTC, date, datetime
from pathlib import Path
from string import Template

from fastapi.responses import HTMLResponse

from graph_gateway.http.graphiql.assets import GraphiQLAssets

HERE = Path(__file__).parent

DEMO_EMAIL = "demo@fortune-compass.local"
DEMO_PASSWORD = "fortune-compass-demo"  # noqa: S105 - the documented demo login, not a secret

AUTH_HINT = '{\n  "Authorization": "Bearer <token from logIn>"\n}'


def default_query(today: date) -> str:
    """The operations GraphiQL opens with: log in, then look at this month."""
    first = today.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return f"""\
# Welcome to Fortune Compass (운명나침반).
#
# 1. Press ▶ and pick LogIn (`make run` seeds the demo account).
# 2. Copy the token into the Headers tab below:
#    {{"Authorization": "Bearer <token>"}}
# 3. Then run Me, ThisMonth or UpcomingEvents.

mutation LogIn {{
  logIn(
    email: "{DEMO_EMAIL}"
    password: "{DEMO_PASSWORD}"
  ) {{
    token
    user {{ id email displayName }}
  }}
}}

query Me {{
  me {{ id email displayName createdAt }}
}}

query ThisMonth {{
  days(
    from: "{first}"
    to: "{last}"
    timeZone: "Asia/Seoul"
  ) {{
    date
    events {{ title startsAt tags {{ name color }} }}
    diaryEntries {{ title mood weather }}
  }}
}}

query UpcomingEvents($after: String) {{
  events(first: 10, after: $after) {{
    totalCount
    pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{ id title startsAt endsAt tags {{ name }} }} }}
  }}
}}
"""


# The page loads nothing but the gateway's own files; styles are inline because GraphiQL's
# editor sets them at run time.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def _embed_json(value: object) -> str:
    """JSON that cannot end the `<script>` element it sits in."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


def render_graphiql_page(assets: GraphiQLAssets, *, endpoint: str) -> HTMLResponse:
    """The GraphiQL page for `endpoint`, or a 503 page saying how to install its files."""
    missing = assets.missing()
    if missing:
        items = "".join(f"<li><code>{html.escape(str(path))}</code></li>" for path in missing)
        body = Template((HERE / "missing.html").read_text(encoding="utf-8")).substitute(
            node_modules=html.escape(str(assets.node_modules)),
            missing=items,
            endpoint=html.escape(endpoint),
        )
        return HTMLResponse(body, status_code=503, headers={"Cache-Control": "no-store"})
    config = {
        "endpoint": endpoint,
        "defaultQuery": default_query(datetime.now(UTC).date()),
        "defaultHeaders": AUTH_HINT,
    }
    body = Template((HERE / "page.html").read_text(encoding="utf-8")).substitute(
        css_url=html.escape(assets.url("graphiql.min.css")),
        react_url=html.escape(assets.url("react.production.min.js")),
        react_dom_url=html.escape(assets.url("react-dom.production.min.js")),
        graphiql_url=html.escape(assets.url("graphiql.min.js")),
        start_url=html.escape(assets.url("graphiql-start.js")),
        config=_embed_json(config),
    )
    return HTMLResponse(body, headers=PAGE_HEADERS)
