"""`make restore` and `make backup-verify`: trust a backup only after checking it.

Restore refuses a backup whose files do not match the manifest, and refuses while any process
answers on its port. It then replaces each database and the image store, and reconciles what
changed between the captures (deleted tags' links, images deleted mid-backup), so the restored
system has no dangling reference. Verify does the same into a temporary place and reports.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from backup import databases
from backup.capture import IMAGES
from backup.consistency import Findings, check, repair
from backup.locations import DATABASES, Locations
from backup.manifest import Manifest, sha256_of
from fc_common.db import Database, create_db_engine, normalize_url


class RestoreRefusedError(RuntimeError):
    """The backup is not trustworthy, or the system is running."""


@dataclass
class Report:
    """What a verify or restore found and did."""

    problems: list[str] = field(default_factory=list)
    findings: dict[str, int] = field(default_factory=dict)
    repaired: dict[str, int] = field(default_factory=dict)


def checksum_problems(folder: Path, manifest: Manifest) -> list[str]:
    """Files missing from the backup or differing from the manifest's checksum."""
    problems = []
    for name, expected in manifest.checksums.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"missing file: {name}")
        elif sha256_of(path) != expected:
            problems.append(f"checksum mismatch: {name}")
    return problems


def restore(folder: Path, locations: Locations) -> Report:
    """Replace the configured databases and image store with the backup's, then reconcile."""
    manifest = Manifest.read(folder)
    if problems := checksum_problems(folder, manifest):
        raise RestoreRefusedError("the backup is damaged: " + "; ".join(problems[:10]))
    if running := locations.running():
        raise RestoreRefusedError(f"stop the system first: {', '.join(running)} answer")
    for name in DATABASES:
        databases.restore(folder / manifest.databases[name].file, locations.database_urls[name])
    _replace_images(folder / IMAGES, locations.image_root)
    return _reconcile(locations.database_urls, locations.image_root, manifest, repair_it=True)


def verify(folder: Path, locations: Locations) -> Report:
    """Restore into a temporary place and check integrity, counts and every reference."""
    manifest = Manifest.read(folder)
    problems = checksum_problems(folder, manifest)
    if problems:
        return Report(problems=problems)
    with _scratch_databases(locations) as urls:
        for name in DATABASES:
            record = manifest.databases[name]
            databases.restore(folder / record.file, urls[name])
            problems += [f"{name}: {p}" for p in databases.integrity_problems(urls[name])]
            engine = create_db_engine(urls[name])
            with engine.connect() as conn:
                if databases.row_counts(conn) != record.rows:
                    problems.append(f"{name}: row counts differ from the manifest")
                if databases.revision(conn) != record.revision:
                    problems.append(f"{name}: migration revision differs from the manifest")
            engine.dispose()
        report = _reconcile(urls, folder / IMAGES, manifest, repair_it=False)
    report.problems = problems + report.problems
    return report


def _reconcile(
    urls: dict[str, str], image_root: Path, manifest: Manifest, *, repair_it: bool
) -> Report:
    """Check the references; on restore, repair what the capture order explains."""
    calendar, diary = create_db_engine(urls["calendar"]), create_db_engine(urls["diary"])
    try:
        with diary.connect() as d, calendar.connect() as c:
            findings = check(calendar=c, diary=d, image_root=image_root, hash_images=True)
        report = Report(findings=findings.summary(), problems=_unexplained(findings, manifest))
        if repair_it:
            gone = findings.missing_images + findings.corrupt_images
            report.repaired = repair(diary=Database(diary), findings=findings, drop_images=gone)
    finally:
        calendar.dispose()
        diary.dispose()
    return report


def _unexplained(findings: Findings, manifest: Manifest) -> list[str]:
    """What the capture order does not explain: damage, not a write made during the backup."""
    expected_gone = set(manifest.images_gone)
    problems = [f"entry {e} links tag {t} the calendar never had (owner {o})"
                for e, o, t in findings.unexplained_links()]  # fmt: skip
    problems += [
        f"image {k} has no file" for k in findings.missing_images if k not in expected_gone
    ]
    problems += [f"image {k} does not match its row" for k in findings.corrupt_images]
    return problems


def _replace_images(source: Path, target: Path) -> None:
    """Swap the image store for the backup's copy (old files removed only once it is in place)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(f".{target.name}.restoring")
    shutil.rmtree(incoming, ignore_errors=True)
    if source.is_dir():
        shutil.copytree(source, incoming)
    else:
        incoming.mkdir()
    old = target.with_name(f".{target.name}.replaced")
    if target.exists():
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    incoming.rename(target)
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _scratch_databases(locations: Locations) -> Iterator[dict[str, str]]:
    """Empty databases like the configured ones: SQLite files in a temporary folder, or
    throwaway databases on the same PostgreSQL server; dropped afterwards."""
    created: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="fc-verify-") as scratch:
        urls = {}
        for name, url in locations.database_urls.items():
            if databases.is_sqlite(url):
                urls[name] = f"sqlite:///{Path(scratch) / name}.db"
                continue
            db_name = f"fc_verify_{name}_{uuid.uuid4().hex[:10]}"
            _admin(url, f'CREATE DATABASE "{db_name}"')
            created.append((url, db_name))
            urls[name] = normalize_url(url).set(database=db_name).render_as_string(False)
        try:
            yield urls
        finally:
            for url, db_name in created:
                _admin(url, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


def _admin(url: str, statement: str) -> None:
    """Run a statement outside a transaction on the server's `postgres` database."""
    engine = sa.create_engine(
        normalize_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(statement))
    finally:
        engine.dispose()
