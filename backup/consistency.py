"""References across services and between rows and files: find what dangles, and repair it.

Checked: every diary entry's tag id names a tag of the same owner in the calendar; every tag the
calendar deleted is retired in the diary; every image row has its file (with the recorded
SHA-256 when `hash_images`). Repair retires the dangling tag ids in the diary (removing the links,
refusing the ids from then on) and drops image rows whose file is gone. On a live system the
diary is read before the calendar: a link the diary holds was made to a tag that existed, so a
tag missing afterwards was really deleted, never just not yet seen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from backup.manifest import sha256_of
from diary_svc.storage import FileImageStore, UnknownKeyError
from diary_svc.tag_retirement import retire_tag
from fc_common.db import Database

OwnerTag = tuple[int, int]


@dataclass
class Findings:
    """What a check found; each list is empty on a consistent system."""

    dangling_tag_links: list[tuple[int, int, int]] = field(
        default_factory=list
    )  # entry, owner, tag
    unretired_tags: list[tuple[int, int, int]] = field(default_factory=list)  # owner, tag, seq
    missing_images: list[str] = field(default_factory=list)
    corrupt_images: list[str] = field(default_factory=list)
    deleted_tags: dict[OwnerTag, int] = field(default_factory=dict)

    def unexplained_links(self) -> list[tuple[int, int, int]]:
        """Dangling links to tags the calendar has no record of deleting: corruption."""
        return [link for link in self.dangling_tag_links if link[1:] not in self.deleted_tags]

    def summary(self) -> dict[str, int]:
        """How many of each kind."""
        return {
            "dangling_tag_links": len(self.dangling_tag_links),
            "unexplained_tag_links": len(self.unexplained_links()),
            "unretired_deleted_tags": len(self.unretired_tags),
            "image_rows_without_file": len(self.missing_images),
            "image_files_not_matching_row": len(self.corrupt_images),
        }


def check(
    *, calendar: sa.Connection, diary: sa.Connection, image_root: Path, hash_images: bool
) -> Findings:
    """Find dangling references between the diary, the calendar and the image files."""
    links = diary.execute(
        sa.text(
            "SELECT l.entry_id, e.owner_id, l.tag_id FROM entry_tag l "
            "JOIN entry e ON e.id = l.entry_id ORDER BY l.entry_id, l.tag_id"
        )
    ).all()
    retired = {
        (r[0], r[1]) for r in diary.execute(sa.text("SELECT owner_id, tag_id FROM retired_tag"))
    }
    images = diary.execute(sa.text("SELECT storage_key, sha256, byte_size FROM image")).all()
    tags = {(r[0], r[1]) for r in calendar.execute(sa.text("SELECT owner_id, id FROM tag"))}
    deleted = {
        (r[0], r[1]): int(r[2])
        for r in calendar.execute(sa.text("SELECT owner_id, tag_id, seq FROM tag_tombstone"))
    }
    findings = Findings(deleted_tags=deleted)
    findings.dangling_tag_links = [
        (entry, owner, tag) for entry, owner, tag in links if (owner, tag) not in tags
    ]
    findings.unretired_tags = sorted(
        (owner, tag, seq) for (owner, tag), seq in deleted.items() if (owner, tag) not in retired
    )
    store = FileImageStore(image_root)
    for key, sha256, byte_size in images:
        try:
            with store.open(key) as handle:
                if hash_images:
                    matches = sha256_of(Path(handle.name)) == sha256
                else:
                    matches = handle.seek(0, 2) == byte_size
        except UnknownKeyError:
            findings.missing_images.append(key)
            continue
        if not matches:
            findings.corrupt_images.append(key)
    return findings


def repair(*, diary: Database, findings: Findings, drop_images: list[str]) -> dict[str, int]:
    """Retire dangling and unretired tag ids in the diary; drop the image rows in `drop_images`."""
    now = dt.datetime.now(dt.UTC)
    to_retire: dict[OwnerTag, int | None] = {}
    for _, owner, tag in findings.dangling_tag_links:
        to_retire[(owner, tag)] = findings.deleted_tags.get((owner, tag))
    for owner, tag, seq in findings.unretired_tags:
        to_retire[(owner, tag)] = seq
    unlinked = 0
    with diary.write() as session:
        for (owner, tag), known_seq in sorted(to_retire.items()):
            unlinked += retire_tag(session, owner_id=owner, tag_id=tag, now=now, seq=known_seq)
        dropped = _drop_image_rows(session, drop_images)
    return {
        "tags_retired": len(to_retire),
        "entries_unlinked": unlinked,
        "image_rows_dropped": dropped,
    }


def _drop_image_rows(session: Session, keys: list[str]) -> int:
    dropped = 0
    for key in keys:
        result = session.execute(sa.text("DELETE FROM image WHERE storage_key = :k"), {"k": key})
        dropped += int(result.rowcount)  # type: ignore[attr-defined]
    return dropped
