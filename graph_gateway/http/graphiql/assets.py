"""The static files GraphiQL needs, read from `node_modules` and served under versioned URLs.

Each URL names the package version (or, for our own script, a content hash), so a browser may
cache it forever: a new version is a new URL. Only the files listed here are served; a request
never turns into a filesystem path.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import anyio.to_thread
from fastapi import Response

HERE = Path(__file__).parent
IMMUTABLE = "public, max-age=31536000, immutable"

# (package, file inside it, the name it is served as); UMD builds so no bundler or CDN is needed.
VENDORED = (
    ("react", "umd/react.production.min.js", "react.production.min.js"),
    ("react-dom", "umd/react-dom.production.min.js", "react-dom.production.min.js"),
    ("graphiql", "graphiql.min.js", "graphiql.min.js"),
    ("graphiql", "graphiql.min.css", "graphiql.min.css"),
)
OWN = (("graphiql-start.js", HERE / "start.js"),)

MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


@dataclass
class Asset:
    """One file served at `<mount>/<bundle>/<name>`, its bytes loaded (and gzipped) on first use."""

    bundle: str
    name: str
    path: Path
    _plain: bytes | None = field(default=None, repr=False)
    _gzipped: bytes | None = field(default=None, repr=False)

    @property
    def media_type(self) -> str:
        """The Content-Type the file is served with."""
        return MEDIA_TYPES[self.path.suffix]

    async def response(self, *, accept_encoding: str) -> Response:
        """Serve the file, gzipped when the client accepts it, cacheable for a year."""
        if self._plain is None:
            self._plain, self._gzipped = await anyio.to_thread.run_sync(self._load)
        headers = {"Cache-Control": IMMUTABLE, "Vary": "Accept-Encoding"}
        body = self._plain
        if "gzip" in accept_encoding.lower() and self._gzipped is not None:
            body = self._gzipped
            headers["Content-Encoding"] = "gzip"
        return Response(body, media_type=self.media_type, headers=headers)

    def _load(self) -> tuple[bytes, bytes]:
        plain = self.path.read_bytes()
        # mtime=0 keeps the compressed bytes identical across restarts.
        return plain, gzip.compress(plain, compresslevel=6, mtime=0)


class GraphiQLAssets:
    """The GraphiQL page's scripts and stylesheet, looked up by the URL parts they are served at."""

    def __init__(self, node_modules: Path, *, mount: str) -> None:
        self.node_modules = node_modules
        self.mount = mount.rstrip("/")
        self._by_url: dict[tuple[str, str], Asset] = {}
        self._by_name: dict[str, Asset] = {}
        for package, inner, name in VENDORED:
            bundle = f"{package}@{self._version_of(package)}"
            self._add(Asset(bundle, name, node_modules / package / inner))
        for name, path in OWN:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            self._add(Asset(f"fortune-compass@{digest}", name, path))

    def _add(self, asset: Asset) -> None:
        self._by_url[(asset.bundle, asset.name)] = asset
        self._by_name[asset.name] = asset

    def _version_of(self, package: str) -> str:
        manifest = self.node_modules / package / "package.json"
        try:
            return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])
        except (OSError, ValueError, KeyError):
            return "missing"

    def missing(self) -> list[Path]:
        """The files that are not on disk (run `make node` to install them)."""
        return [asset.path for asset in self._by_url.values() if not asset.path.is_file()]

    def url(self, name: str) -> str:
        """The versioned URL a file is served at."""
        asset = self._by_name[name]
        return f"{self.mount}/{asset.bundle}/{asset.name}"

    def find(self, bundle: str, name: str) -> Asset | None:
        """The asset served at `<mount>/<bundle>/<name>`, if there is one and it exists on disk."""
        asset = self._by_url.get((bundle, name))
        if asset is None or not asset.path.is_file():
            return None
        return asset
