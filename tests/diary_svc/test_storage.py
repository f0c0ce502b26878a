"""The file image store: atomic writes under random keys, reads, deletes and the listing."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from diary_svc.storage import FileImageStore, UnknownKeyError, is_valid_key


def test_put_then_open_returns_the_bytes(tmp_path: Path) -> None:
    store = FileImageStore(tmp_path / "images")

    stored = store.put(io.BytesIO(b"picture bytes"))

    assert is_valid_key(stored.key)
    assert stored.byte_size == len(b"picture bytes")
    with store.open(stored.key) as f:
        assert f.read() == b"picture bytes"
    # Sharded by the key's first characters, never by anything the client sent.
    assert (tmp_path / "images" / stored.key[:2] / stored.key[2:4] / stored.key).is_file()


def test_keys_are_fresh_each_time(tmp_path: Path) -> None:
    store = FileImageStore(tmp_path)

    keys = {store.put(io.BytesIO(b"same")).key for _ in range(20)}

    assert len(keys) == 20


def test_delete_removes_the_file_and_tolerates_a_missing_one(tmp_path: Path) -> None:
    store = FileImageStore(tmp_path)
    stored = store.put(io.BytesIO(b"x"))

    store.delete(stored.key)
    store.delete(stored.key)

    with pytest.raises(UnknownKeyError):
        store.open(stored.key)
    assert list(store.scan()) == []


@pytest.mark.parametrize("key", ["../../etc/passwd", "ABCDEF", "", "0" * 31, "g" * 32])
def test_keys_of_another_shape_never_reach_the_filesystem(tmp_path: Path, key: str) -> None:
    store = FileImageStore(tmp_path)

    with pytest.raises(UnknownKeyError):
        store.open(key)
    with pytest.raises(UnknownKeyError):
        store.delete(key)


def test_scan_lists_objects_but_not_temporaries_or_other_folders(tmp_path: Path) -> None:
    store = FileImageStore(tmp_path)
    kept = store.put(io.BytesIO(b"abc"))
    shard = tmp_path / kept.key[:2] / kept.key[2:4]
    (shard / f".tmp-{'0' * 32}").write_bytes(b"half written")
    (tmp_path / ".incoming").mkdir()
    (tmp_path / ".incoming" / "upload-1").write_bytes(b"spooled")

    assert [(o.key, o.byte_size) for o in store.scan()] == [(kept.key, 3)]


def test_stale_temporaries_are_removed_fresh_ones_kept(tmp_path: Path) -> None:
    store = FileImageStore(tmp_path)
    kept = store.put(io.BytesIO(b"abc"))
    temp = tmp_path / kept.key[:2] / kept.key[2:4] / f".tmp-{'1' * 32}"
    temp.write_bytes(b"half written")

    assert store.remove_stale_temporaries(older_than=datetime.now(UTC) - timedelta(hours=1)) == 0
    assert temp.exists()
    assert store.remove_stale_temporaries(older_than=datetime.now(UTC) + timedelta(seconds=1)) == 1
    assert not temp.exists()
    assert [o.key for o in store.scan()] == [kept.key]


def test_a_failed_put_leaves_nothing(tmp_path: Path) -> None:
    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            raise OSError("the source broke")

    store = FileImageStore(tmp_path)

    with pytest.raises(OSError, match="the source broke"):
        store.put(io.BufferedReader(Broken()))

    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
