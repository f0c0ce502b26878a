"""`make schema-check`: fail on a breaking change to the GraphQL schema nobody acknowledged.

The baseline is the SDL committed at a git revision (`--against`, default `HEAD`), or a file
(`--baseline`). The current schema is the code's. graphql-core's `find_breaking_changes` lists
what would break existing clients; each must appear, word for word, as a line of
`schema/breaking-changes-ack.txt` to pass. Dangerous changes are reported and do not fail.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from graphql import build_schema, find_breaking_changes, find_dangerous_changes

from scripts.export_schema import ROOT, SDL_PATH, gateway_sdl

ACK_PATH = ROOT / "schema" / "breaking-changes-ack.txt"


@dataclass(frozen=True)
class SchemaDiff:
    """The breaking changes (split by acknowledgement) and dangerous ones between two SDLs."""

    unacknowledged: list[str]
    acknowledged: list[str]
    dangerous: list[str]


def acknowledged_changes(path: Path) -> set[str]:
    """The change descriptions listed in an acknowledgement file (`#` starts a comment)."""
    if not path.is_file():
        return set()
    lines = (
        line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
    )
    return {line for line in lines if line}


def compare(old_sdl: str, new_sdl: str, acknowledged: set[str]) -> SchemaDiff:
    """Classify what changed from `old_sdl` to `new_sdl`."""
    old, new = build_schema(old_sdl), build_schema(new_sdl)
    breaking = [change.description for change in find_breaking_changes(old, new)]
    return SchemaDiff(
        unacknowledged=[d for d in breaking if d not in acknowledged],
        acknowledged=[d for d in breaking if d in acknowledged],
        dangerous=[change.description for change in find_dangerous_changes(old, new)],
    )


def committed_sdl(revision: str) -> str | None:
    """`schema/schema.graphql` as committed at `revision`, or None if it is not there."""
    relative = SDL_PATH.relative_to(ROOT).as_posix()
    completed = subprocess.run(  # noqa: S603 - fixed program, the revision is an argument
        ["git", "show", f"{revision}:{relative}"],  # noqa: S607 - git from PATH
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.stdout if completed.returncode == 0 else None


def main(argv: list[str] | None = None) -> int:
    """Compare the code's schema with the baseline; exit 1 on an unacknowledged breaking change."""
    parser = argparse.ArgumentParser(description="Report breaking GraphQL schema changes.")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--against", default="HEAD", help="git revision of the baseline SDL")
    source.add_argument("--baseline", type=Path, help="a baseline SDL file instead of git")
    parser.add_argument("--ack", type=Path, default=ACK_PATH, help="acknowledged changes file")
    args = parser.parse_args(argv)

    if args.baseline is not None:
        baseline, origin = args.baseline.read_text(encoding="utf-8"), str(args.baseline)
    else:
        found = committed_sdl(args.against)
        if found is None:
            print(f"no {SDL_PATH.name} committed at {args.against}: nothing to compare against")
            return 0
        baseline, origin = found, f"{args.against}:{SDL_PATH.relative_to(ROOT).as_posix()}"

    diff = compare(baseline, gateway_sdl(), acknowledged_changes(args.ack))
    for description in diff.dangerous:
        print(f"dangerous (allowed): {description}")
    for description in diff.acknowledged:
        print(f"breaking, acknowledged: {description}")
    for description in diff.unacknowledged:
        print(f"BREAKING: {description}", file=sys.stderr)
    if diff.unacknowledged:
        print(
            f"{len(diff.unacknowledged)} breaking change(s) against {origin}. If intended, add "
            f"each line above (without 'BREAKING: ') to {args.ack}.",
            file=sys.stderr,
        )
        return 1
    print(f"no unacknowledged breaking changes against {origin}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
