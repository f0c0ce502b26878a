"""Signed, expiring image URLs (`/images/{id}?u=…&exp=…[&w=…]&sig=…`): `<img src>` needs no header.
The same key signs export downloads (`/exports/{id}?u=…&exp=…&sig=…`), in a message of their own.

The signature is an HMAC-SHA256 over the image id, the owner's user id, the expiry and the
thumbnail width, so a URL shows one image (at one size) of one user until it expires and cannot
be bent to show another. Expiries are
rounded up to a five-minute step: the same image gets the same URL for a while, and browsers
can cache it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from graph_gateway.settings import GatewaySettings

IMAGES_PATH = "/images"
EXPORTS_PATH = "/exports"
EXPIRY_STEP_S = 300
_KEY_LABEL = b"fortune-compass image urls v1"


class InvalidImageUrlError(Exception):
    """The URL was not signed by us, was changed, or has expired."""


@dataclass(frozen=True, slots=True)
class ImageGrant:
    """What a valid signed URL allows: one image of one user, until `expires_at`."""

    image_id: int
    user_id: int
    expires_at: int
    width: int | None = None


class ImageUrlSigner:
    """Make and check signed image URLs with one key."""

    def __init__(
        self,
        key: bytes,
        *,
        ttl_s: int,
        public_url: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = key
        self.ttl_s = ttl_s
        self.public_url = public_url.rstrip("/") if public_url else None
        self._clock = clock

    @classmethod
    def from_settings(
        cls, settings: GatewaySettings, *, clock: Callable[[], float] = time.time
    ) -> ImageUrlSigner:
        """The signer the settings describe; without its own secret, one derived from the JWT's."""
        if settings.image_url_secret is not None:
            key = settings.image_url_secret.get_secret_value().encode()
        else:
            secret = settings.jwt_secret.get_secret_value().encode()
            key = hmac.new(secret, _KEY_LABEL, hashlib.sha256).digest()
        return cls(
            key,
            ttl_s=settings.image_url_ttl_minutes * 60,
            public_url=settings.public_url,
            clock=clock,
        )

    def url(
        self, *, image_id: int, user_id: int, request_base_url: str, width: int | None = None
    ) -> str:
        """An absolute URL showing the image (or its thumbnail at least `width` wide) for the
        configured time, on the public URL's host if one is configured, else the request's."""
        expires_at = math.ceil((self._clock() + self.ttl_s) / EXPIRY_STEP_S) * EXPIRY_STEP_S
        params: dict[str, int | str] = {"u": user_id, "exp": expires_at}
        if width is not None:
            params["w"] = width
        params["sig"] = self._signature(image_id, user_id, expires_at, width)
        base = self.public_url or request_base_url.rstrip("/")
        return f"{base}{IMAGES_PATH}/{image_id}?{urlencode(params)}"

    def verify(self, *, image_id: str, params: Mapping[str, str]) -> ImageGrant:
        """The grant a URL carries; `InvalidImageUrlError` if it is forged, changed or expired."""
        try:
            grant = ImageGrant(
                image_id=_positive(image_id),
                user_id=_positive(params["u"]),
                expires_at=_positive(params["exp"]),
                width=_positive(params["w"]) if "w" in params else None,
            )
            signature = params["sig"]
        except (KeyError, ValueError) as exc:
            raise InvalidImageUrlError("malformed image URL") from exc
        expected = self._signature(grant.image_id, grant.user_id, grant.expires_at, grant.width)
        self._check(signature, expected, grant.expires_at)
        return grant

    def export_url(
        self, *, export_id: str, user_id: int, expires_at: int, request_base_url: str
    ) -> str:
        """An absolute URL that downloads one export archive until `expires_at` (epoch s)."""
        params = {"u": user_id, "exp": expires_at}
        signature = self._sign(f"export:{export_id}:{user_id}:{expires_at}")
        base = self.public_url or request_base_url.rstrip("/")
        return f"{base}{EXPORTS_PATH}/{export_id}?{urlencode({**params, 'sig': signature})}"

    def verify_export(self, *, export_id: str, params: Mapping[str, str]) -> int:
        """The user id an export URL is for; `InvalidImageUrlError` if forged or expired."""
        try:
            user_id, expires_at = _positive(params["u"]), _positive(params["exp"])
            signature = params["sig"]
        except (KeyError, ValueError) as exc:
            raise InvalidImageUrlError("malformed export URL") from exc
        expected = self._sign(f"export:{export_id}:{user_id}:{expires_at}")
        self._check(signature, expected, expires_at)
        return user_id

    def _check(self, signature: str, expected: str, expires_at: int) -> None:
        if not hmac.compare_digest(signature.encode(), expected.encode()):
            raise InvalidImageUrlError("bad signature")
        if expires_at <= self._clock():
            raise InvalidImageUrlError("expired")

    def _signature(self, image_id: int, user_id: int, expires_at: int, width: int | None) -> str:
        return self._sign(f"{image_id}:{user_id}:{expires_at}:{width or 0}")

    def _sign(self, message: str) -> str:
        digest = hmac.new(self._key, message.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _positive(text: str) -> int:
    """A positive decimal integer written plainly (no sign, spaces or leading zeros)."""
    if not (text.isascii() and text.isdigit()) or text.startswith("0") or len(text) > 19:
        raise ValueError(text)
    return int(text)
