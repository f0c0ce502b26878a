"""Persisted queries: Apollo's automatic protocol (APQ), or an allow-list for production.

A request may carry `extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}`:
- `automatic`: without a query, the hash names a document this gateway has run before (else
  `PERSISTED_QUERY_NOT_FOUND`, and the client sends it again with the query); with a query, the
  hash must match it, and once the document has run it is remembered (a bounded LRU per process).
- `allow_list`: only the documents of a manifest run, whether named by hash or sent in full
  (else `PERSISTED_QUERY_NOT_IN_LIST`); nothing is learned from requests.
- `off`: a hash-only request is `PERSISTED_QUERY_NOT_SUPPORTED`.

The manifest is Apollo's persisted query manifest (`{"operations": [{"id", "body"}, ...]}`) or a
plain `{hash: document}` object; each id must be the SHA-256 of its body.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import orjson
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from graph_gateway.observability.metrics import PERSISTED_QUERIES

PersistedQueryMode = Literal["off", "automatic", "allow_list"]
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


def sha256_hex(document: str) -> str:
    """The APQ hash of a document."""
    return hashlib.sha256(document.encode()).hexdigest()


def _refusal(code: str, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def load_manifest(path: Path) -> dict[str, str]:
    """Read a manifest into `{hash: document}`; raise ValueError when it is malformed."""
    raw = orjson.loads(path.read_bytes())
    if isinstance(raw, dict) and isinstance(raw.get("operations"), list):
        pairs = [(op.get("id"), op.get("body")) for op in raw["operations"]]
    elif isinstance(raw, dict):
        pairs = list(raw.items())
    else:
        raise ValueError(f"{path}: not a persisted query manifest")
    manifest: dict[str, str] = {}
    for key, body in pairs:
        if not isinstance(key, str) or not isinstance(body, str) or sha256_hex(body) != key:
            raise ValueError(f"{path}: entry {key!r} is not the SHA-256 of its document")
        manifest[key] = body
    return manifest


class PersistedQueryStore:
    """The documents known by hash: a fixed allow-list, or an LRU learned from requests."""

    def __init__(
        self,
        mode: PersistedQueryMode,
        *,
        manifest: Mapping[str, str] | None = None,
        capacity: int = 1_000,
    ) -> None:
        if mode == "allow_list" and not manifest:
            raise ValueError("allow_list mode needs a manifest of documents")
        self.mode = mode
        self.capacity = capacity
        self._documents: OrderedDict[str, str] = OrderedDict(manifest or {})

    def lookup(self, digest: str) -> str | None:
        """The document with this hash, if known."""
        document = self._documents.get(digest)
        if document is not None and self.mode == "automatic":
            self._documents.move_to_end(digest)
        return document

    def allows(self, digest: str) -> bool:
        """Whether a document with this hash may run."""
        return self.mode != "allow_list" or digest in self._documents

    def remember(self, digest: str, document: str) -> None:
        """Learn a document that ran (automatic mode only), forgetting the least recent."""
        if self.mode != "automatic":
            return
        self._documents[digest] = document
        self._documents.move_to_end(digest)
        while len(self._documents) > self.capacity:
            self._documents.popitem(last=False)


class PersistedQueryExtension(SchemaExtension):
    """Resolve a hash to its document before anything else runs; list it first."""

    def __init__(self, store: PersistedQueryStore) -> None:
        self.store = store

    def on_operation(self) -> Iterator[None]:
        """Fill in or check the document; remember it once it has run."""
        context = self.execution_context
        digest = self._requested_hash(context.operation_extensions)
        if digest is None:
            if context.query is not None and not self.store.allows(sha256_hex(context.query)):
                raise _refusal("PERSISTED_QUERY_NOT_IN_LIST", "This operation is not allowed")
            yield
            return
        if context.query is None:
            context.query = self.store.lookup(digest)
            PERSISTED_QUERIES.labels("miss" if context.query is None else "hit").inc()
            if context.query is None:
                if self.store.mode == "allow_list":
                    raise _refusal("PERSISTED_QUERY_NOT_IN_LIST", "This operation is not allowed")
                raise _refusal("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
            yield
            return
        if sha256_hex(context.query) != digest:
            raise _refusal("BAD_REQUEST", "provided sha does not match query")
        if not self.store.allows(digest):
            raise _refusal("PERSISTED_QUERY_NOT_IN_LIST", "This operation is not allowed")
        yield
        result = context.result
        if getattr(result, "data", None) is not None:  # it parsed, validated and ran
            self.store.remember(digest, context.query)
            PERSISTED_QUERIES.labels("registered").inc()

    def _requested_hash(self, extensions: Mapping[str, Any] | None) -> str | None:
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            return None
        if self.store.mode == "off":
            raise _refusal("PERSISTED_QUERY_NOT_SUPPORTED", "PersistedQueryNotSupported")
        if not isinstance(persisted, dict):
            raise _refusal("BAD_REQUEST", "persistedQuery must be an object")
        digest = persisted.get("sha256Hash")
        if persisted.get("version") != 1 or not isinstance(digest, str):
            raise _refusal("BAD_REQUEST", "persistedQuery needs version 1 and a sha256Hash")
        if not _SHA256_HEX.match(digest):
            raise _refusal("BAD_REQUEST", "sha256Hash must be 64 lower-case hex digits")
        return digest


def persisted_query_extension(store: PersistedQueryStore) -> Callable[[], PersistedQueryExtension]:
    """A per-request factory sharing one store; list it first in the schema's extensions."""
    return lambda: PersistedQueryExtension(store)
