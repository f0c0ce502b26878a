"""APQ documents shared through Redis (real Redis), and a store that is gone costs nothing."""

from __future__ import annotations

import secrets

import redis

from graph_gateway.extensions.persisted_queries import PersistedQueryStore
from graph_gateway.extensions.shared_documents import KEY_PREFIX, SharedDocuments

REDIS_URL = "redis://127.0.0.1:6379/13"


async def test_a_document_one_replica_learned_is_found_by_another() -> None:
    first = PersistedQueryStore("automatic", shared=SharedDocuments(REDIS_URL, ttl_s=60))
    second = PersistedQueryStore("automatic", shared=SharedDocuments(REDIS_URL, ttl_s=60))
    digest, document = secrets.token_hex(32), "{ me { id } }"
    try:
        assert await second.lookup(digest) is None
        await first.remember(digest, document)
        assert await second.lookup(digest) == document
        ttl = redis.Redis.from_url(REDIS_URL).ttl(KEY_PREFIX + digest)
        assert 0 < ttl <= 60
    finally:
        redis.Redis.from_url(REDIS_URL).delete(KEY_PREFIX + digest)
        for store in (first, second):
            assert store.shared is not None
            await store.shared.aclose()


async def test_an_unreachable_store_only_means_this_process_remembers_alone() -> None:
    # Nothing listens on port 1: every Redis call fails at once.
    store = PersistedQueryStore(
        "automatic", shared=SharedDocuments("redis://127.0.0.1:1", ttl_s=60)
    )
    digest = secrets.token_hex(32)
    assert await store.lookup(digest) is None
    await store.remember(digest, "{ __typename }")
    assert await store.lookup(digest) == "{ __typename }"
    assert store.shared is not None
    await store.shared.aclose()


def test_an_allow_list_never_learns_or_shares() -> None:
    store = PersistedQueryStore(
        "allow_list", manifest={"a" * 64: "{ x }"}, shared=SharedDocuments(REDIS_URL, ttl_s=60)
    )
    assert store.shared is None
