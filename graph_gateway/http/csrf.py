"""CSRF protection for GraphQL over HTTP, as Apollo Server's `csrfPrevention` does it.

A browser sends a `multipart/form-data` POST from any site without asking first (a "simple"
request), and with it any cookie-borne or ambient credential. So a multipart request must carry a
header no simple request can: `Apollo-Require-Preflight` or `X-Apollo-Operation-Name` (any
non-empty value). Setting either makes a cross-site browser send a CORS preflight first, which the
CORS policy answers. JSON bodies are safe already: `application/json` is never simple, and
other content types are refused.
"""

from __future__ import annotations

from collections.abc import Mapping

PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-apollo-operation-name")
CSRF_MESSAGE = (
    "This request has content type multipart/form-data and could be a cross-site request "
    "forgery: send it with a non-empty `Apollo-Require-Preflight` (or `X-Apollo-Operation-Name`) "
    "header."
)


def forces_preflight(headers: Mapping[str, str]) -> bool:
    """Whether the request carries a header that a browser sends only after a preflight."""
    return any(headers.get(name, "").strip() for name in PREFLIGHT_HEADERS)
