"""Persisted queries: Apollo's automatic protocol (APQ), or an allow-list for production.

A request may carry `extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}`:
- `automatic`: without a query, the hash names a document this gateway has run before (else
  `PERSISTED_QUERY_NOT_FOUND`, and the client sends it again with the query); with a query, the
  hash must match it, and once the document has run it is remembered (a bounded LRU per process,
  and with `GATEWAY_PERSISTED_QUERY_STORAGE_URI=redis://…` in Redis, for every replica).
- `allow_list`: only the documents of a manifest run, whether named by hash or sent in full
  (else `PERSISTED_QUERY_NOT_IN_LIST`); nothing is learned from requests.
- `off`: a hash-only request is `PERSISTED_QUERY_NOT_SUPPORTED`.

The manifest (`GATEWAY_PERSISTED_QUERY_MANIFEST`) is read and checked by `settings.load_manifest`.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from strawberry.extensions import SchemaExtension

from graph_gateway.errors import (
    PersistedQueryMismatchError,
    PersistedQueryNotFoundError,
    PersistedQueryNotInListError,
    PersistedQueryNotSupportedError,
)
from graph_gateway.extensions.shared_documents import SharedDocuments
from graph_gateway.observability.metrics import PERSISTED_QUERIES
from graph_gateway.settings import GatewaySettings, PersistedQueryMode, load_manifest, sha256_hex

_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


class PersistedQueryStore:
    """The documents known by hash: a fixed allow-list, or an LRU learned from requests."""

    def __init__(
        self,
        mode: PersistedQueryMode,
        *,
        manifest: Mapping[str, str] | None = None,
        capacity: int = 1_000,
        shared: SharedDocuments | None = None,
    ) -> None:
        if mode == "allow_list" and not manifest:
            raise ValueError("allow_list mode needs a manifest of documents")
        self.mode = mode
        self.capacity = capacity
        self._documents: OrderedDict[str, str] = OrderedDict(manifest or {})
        # What other replicas learned (automatic mode): asked when this process does not know.
        self.shared = shared if mode == "automatic" else None

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> PersistedQueryStore:
        """The persisted documents: the manifest's, or an empty APQ cache."""
        manifest = settings.persisted_query_manifest
        uri = settings.persisted_query_storage_uri
        shared = None
        if uri.startswith(("redis://", "rediss://")):
            shared = SharedDocuments(uri, ttl_s=settings.persisted_query_ttl_s)
        return cls(
            settings.persisted_queries,
            manifest=load_manifest(manifest) if manifest is not None else None,
            capacity=settings.persisted_query_cache_size,
            shared=shared,
        )

    async def lookup(self, digest: str) -> str | None:
        """The document with this hash, if this process or (shared) another replica knows it."""
        document = self._documents.get(digest)
        if document is not None and self.mode == "automatic":
            self._documents.move_to_end(digest)
        if document is None and self.shared is not None:
            document = await self.shared.get(digest)
            if document is not None:
                self._keep(digest, document)
        return document

    def allows(self, digest: str) -> bool:
        """Whether a document with this hash may run."""
        return self.mode != "allow_list" or digest in self._documents

    async def remember(self, digest: str, document: str) -> None:
        """Learn a document that ran (automatic mode only), and share it with the replicas."""
        if self.mode != "automatic":
            return
        self._keep(digest, document)
        if self.shared is not None:
            await self.shared.put(digest, document)

    def _keep(self, digest: str, document: str) -> None:
        """Hold a document in this process's LRU, forgetting the least recent."""
        self._documents[digest] = document
        self._documents.move_to_end(digest)
        while len(self._documents) > self.capacity:
            self._documents.popitem(last=False)


class PersistedQueryExtension(SchemaExtension):
    """Resolve a hash to its document before anything else runs; list it first."""

    def __init__(self, store: PersistedQueryStore) -> None:
        self.store = store

    async def on_operation(self) -> AsyncIterator[None]:
        """Fill in or check the document; remember it once it has run."""
        context = self.execution_context
        digest = self._requested_hash(context.operation_extensions)
        if digest is None:
            if context.query is not None and not self.store.allows(sha256_hex(context.query)):
                raise PersistedQueryNotInListError()
            yield
            return
        if context.query is None:
            context.query = await self.store.lookup(digest)
            PERSISTED_QUERIES.labels("miss" if context.query is None else "hit").inc()
            if context.query is None:
                if self.store.mode == "allow_list":
                    raise PersistedQueryNotInListError()
                raise PersistedQueryNotFoundError()
            yield
            return
        if sha256_hex(context.query) != digest:
            raise PersistedQueryMismatchError("provided sha does not match query")
        if not self.store.allows(digest):
            raise PersistedQueryNotInListError()
        yield
        result = context.result
        if getattr(result, "data", None) is not None:  # it parsed, validated and ran
            await self.store.remember(digest, context.query)
            PERSISTED_QUERIES.labels("registered").inc()

    def _requested_hash(self, extensions: Mapping[str, Any] | None) -> str | None:
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            return None
        if self.store.mode == "off":
            raise PersistedQueryNotSupportedError()
        if not isinstance(persisted, dict):
            raise PersistedQueryMismatchError("persistedQuery must be an object")
        digest = persisted.get("sha256Hash")
        if persisted.get("version") != 1 or not isinstance(digest, str):
            raise PersistedQueryMismatchError("persistedQuery needs version 1 and a sha256Hash")
        if not _SHA256_HEX.match(digest):
            raise PersistedQueryMismatchError("sha256Hash must be 64 lower-case hex digits")
        return digest


def persisted_query_extension(store: PersistedQueryStore) -> Callable[[], PersistedQueryExtension]:
    """A per-request factory sharing one store; list it first in the schema's extensions."""
    return lambda: PersistedQueryExtension(store)
