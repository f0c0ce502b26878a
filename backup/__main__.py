"""`python -m backup {backup,restore,verify,fsck}`: the commands behind the Makefile targets.

Each prints a JSON report; the exit status is 0 on success, 1 when something is wrong (a
damaged backup, dangling references not repaired), 2 when a restore is refused.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from backup.capture import prune, record_success, take_backup
from backup.consistency import check, repair
from backup.locations import BackupSettings, Locations
from backup.restore import RestoreRefusedError, restore, verify
from fc_common.db import Database, create_db_engine


def _print(report: object) -> None:
    print(json.dumps(report, indent=2, sort_keys=True, default=str))


def _backup(locations: Locations, *, then_verify: bool) -> int:
    settings = BackupSettings()
    folder = take_backup(locations, settings)
    if then_verify and (problems := verify(folder, locations).problems):
        _print({"backup_dir": str(folder), "verified": False, "problems": problems})
        return 1
    record_success(settings.root, folder)
    removed = prune(settings, keep_also=folder)
    _print(
        {"backup_dir": str(folder), "verified": then_verify, "pruned": [str(p) for p in removed]}
    )
    return 0


def _fsck(locations: Locations, *, fix: bool, hash_images: bool) -> int:
    calendar = create_db_engine(locations.database_urls["calendar"])
    diary = create_db_engine(locations.database_urls["diary"])
    try:
        with diary.connect() as d, calendar.connect() as c:
            findings = check(
                calendar=c, diary=d, image_root=locations.image_root, hash_images=hash_images
            )
        summary = findings.summary()
        dirty = any(summary.values())
        repaired: dict[str, int] = {}
        if fix and dirty:
            gone = findings.missing_images + findings.corrupt_images
            repaired = repair(diary=Database(diary), findings=findings, drop_images=gone)
    finally:
        calendar.dispose()
        diary.dispose()
    _print({"found": summary, "repaired": repaired})
    return 1 if dirty and not fix else 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit status."""
    parser = argparse.ArgumentParser(prog="python -m backup", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    take = commands.add_parser("backup", help="take an online backup (BACKUP_DIR, FC_BACKUP_ROOT)")
    take.add_argument("--verify", action="store_true", help="verify it before recording success")
    for name in ("restore", "verify"):
        sub = commands.add_parser(name, help=f"{name} the backup in BACKUP")
        sub.add_argument("backup", type=Path)
    fsck = commands.add_parser("fsck", help="find dangling references on the live system")
    fsck.add_argument("--repair", action="store_true", help="repair what is found")
    fsck.add_argument("--hash-images", action="store_true", help="hash every image file too")
    args = parser.parse_args(argv)
    locations = Locations.from_environment()
    if args.command == "backup":
        try:
            return _backup(locations, then_verify=args.verify)
        except (OSError, RuntimeError) as exc:
            print(f"backup failed: {exc}", file=sys.stderr)
            return 1
    if args.command == "fsck":
        return _fsck(locations, fix=args.repair, hash_images=args.hash_images)
    if args.command == "verify":
        report = verify(args.backup, locations)
        _print(asdict(report))
        return 1 if report.problems else 0
    try:
        _print(asdict(restore(args.backup, locations)))
    except (RestoreRefusedError, ValueError) as exc:
        print(f"restore refused: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
