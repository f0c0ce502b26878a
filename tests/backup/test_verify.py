"""`backup-verify` catches damage made on purpose in a copy; `fsck` finds and repairs it live."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
import sqlalchemy as sa

from backup import databases
from backup.capture import take_backup
from backup.consistency import check, repair
from backup.locations import BackupSettings, Locations
from backup.manifest import Manifest, sha256_of
from backup.restore import RestoreRefusedError, restore, verify
from fc_common.db import Database, create_db_engine
from scripts.ports import free_port
from tests.conftest import DatabaseUrlFactory
from tests.graph_gateway.conftest import Gateway
from tests.graph_gateway.factories import make_entry, make_event, make_tag
from tests.graph_gateway.test_images import new_entry, upload
from tests.image_factory import png_bytes


def _url(app_transport: object) -> str:
    engine: sa.Engine = app_transport.inner.app.state.db.engine  # type: ignore[attr-defined]
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
async def locations(gateway: Gateway, token: str, tmp_path: Path) -> Locations:
    """A little of everything (tags on events and entries, an image), and where it lives."""
    tag = await make_tag(gateway, token)
    await make_event(gateway, token, tagIds=[tag["id"]])
    await make_entry(gateway, token, tagIds=[tag["id"]])
    response = await upload(gateway, token, await new_entry(gateway, token), png_bytes())
    assert "errors" not in response.json()
    return Locations(
        database_urls={
            "gateway": gateway.settings.database_url,
            "calendar": _url(gateway.calendar),
            "diary": _url(gateway.diary),
        },
        image_root=tmp_path / "images",
        addresses=(("127.0.0.1", free_port()),),
    )


@pytest.fixture
def backup_dir(locations: Locations, tmp_path: Path) -> Path:
    """A backup of that."""
    return take_backup(locations, BackupSettings(root=tmp_path / "backups"))


def _damaged_copy(backup_dir: Path, tmp_path: Path, name: str) -> Path:
    copy = tmp_path / name
    shutil.copytree(backup_dir, copy)
    return copy


def _reseal(folder: Path, manifest: Manifest) -> None:
    """Make the manifest agree with the files again, as a careless tool would."""
    manifest.checksums = {
        str(p.relative_to(folder)): sha256_of(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }
    manifest.write(folder)


def test_a_fresh_backup_verifies(backup_dir: Path, locations: Locations) -> None:
    report = verify(backup_dir, locations)
    assert report.problems == [] and not any(report.findings.values())
    manifest = Manifest.read(backup_dir)
    assert manifest.databases["calendar"].rows["tag"] == 1
    assert manifest.databases["diary"].rows["image"] == 1
    assert any(name.startswith("images/") for name in manifest.checksums)


def test_verify_catches_a_corrupted_file(
    backup_dir: Path, locations: Locations, tmp_path: Path
) -> None:
    copy = _damaged_copy(backup_dir, tmp_path, "corrupt")
    target = copy / Manifest.read(copy).databases["diary"].file
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    problems = verify(copy, locations).problems
    assert problems == [f"checksum mismatch: {target.name}"]


def test_verify_catches_a_missing_image(
    backup_dir: Path, locations: Locations, tmp_path: Path
) -> None:
    copy = _damaged_copy(backup_dir, tmp_path, "no-image")
    image = next(p for p in (copy / "images").rglob("*") if p.is_file())
    image.unlink()
    assert verify(copy, locations).problems == [f"missing file: {image.relative_to(copy)}"]
    _reseal(copy, Manifest.read(copy))
    assert verify(copy, locations).problems == [f"image {image.name} has no file"]


def test_verify_catches_a_dangling_reference(
    backup_dir: Path, locations: Locations, tmp_path: Path, make_database_url: DatabaseUrlFactory
) -> None:
    copy = _damaged_copy(backup_dir, tmp_path, "dangling")
    manifest = Manifest.read(copy)
    record = manifest.databases["diary"]
    scratch = make_database_url("scratch")
    databases.restore(copy / record.file, scratch)
    engine = create_db_engine(scratch)
    with engine.begin() as conn:
        entry = conn.execute(sa.text("SELECT min(id) FROM entry")).scalar_one()
        conn.execute(sa.text("INSERT INTO entry_tag VALUES (:e, 999999)"), {"e": entry})
    engine.dispose()
    (copy / record.file).unlink()
    databases.capture(scratch, copy / "diary", lambda conn: None)
    record.rows["entry_tag"] += 1
    _reseal(copy, manifest)
    report = verify(copy, locations)
    assert report.problems == [f"entry {entry} links tag 999999 the calendar never had (owner 1)"]


def test_restore_refuses_while_the_system_runs_or_the_backup_is_damaged(
    backup_dir: Path, locations: Locations, tmp_path: Path
) -> None:
    copy = _damaged_copy(backup_dir, tmp_path, "bad")
    (copy / "manifest.json").write_text(json.dumps({"started_at": "x"}))
    with pytest.raises(ValueError, match="manifest"):
        restore(copy, locations)
    listening = socket.create_server(locations.addresses[0])
    with listening, pytest.raises(RestoreRefusedError, match="stop the system first"):
        restore(backup_dir, locations)


def test_fsck_finds_and_repairs_a_dangling_link_live(locations: Locations) -> None:
    diary = create_db_engine(locations.database_urls["diary"])
    calendar = create_db_engine(locations.database_urls["calendar"])
    with diary.begin() as conn:
        entry = conn.execute(sa.text("SELECT min(id) FROM entry")).scalar_one()
        conn.execute(sa.text("INSERT INTO entry_tag VALUES (:e, 424242)"), {"e": entry})
    with diary.connect() as d, calendar.connect() as c:
        found = check(calendar=c, diary=d, image_root=locations.image_root, hash_images=True)
    assert found.summary()["unexplained_tag_links"] == 1
    done = repair(diary=Database(diary), findings=found, drop_images=[])
    assert done == {"tags_retired": 1, "entries_unlinked": 1, "image_rows_dropped": 0}
    with diary.connect() as d, calendar.connect() as c:
        again = check(calendar=c, diary=d, image_root=locations.image_root, hash_images=True)
    assert not any(again.summary().values())
    diary.dispose()
    calendar.dispose()
