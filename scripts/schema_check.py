"""`make schema-check`: fail on a breaking change to the GraphQL schema nobody acknowledged.

The code's schema is compared with every version of `schema/schema.graphql` ever committed (by
default), with the version at one git revision (`--against origin/main`), or with a file
(`--baseline`). Comparing with the whole history means a break cannot hide by being committed
together with the regenerated SDL: whatever clients could once rely on stays checked.

graphql-core's `find_breaking_changes` lists what would break existing clients; each must appear,
word for word, as a line of `schema/breaking-changes-ack.txt` to pass. Dangerous changes (e.g. a
new enum value) are reported and do not fail.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from graphql import build_schema, find_breaking_changes, find_dangerous_changes

from scripts.export_schema import ROOT, SDL_PATH, gateway_sdl

ACK_PATH = ROOT / "schema" / "breaking-changes-ack.txt"
SDL_IN_REPO = SDL_PATH.relative_to(ROOT).as_posix()


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
    text = path.read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
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


def _git(*args: str) -> str | None:
    completed = subprocess.run(  # noqa: S603 - fixed program; revisions are plain arguments
        ["git", *args],  # noqa: S607 - git from PATH
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.stdout if completed.returncode == 0 else None


def committed_sdl(revision: str) -> str | None:
    """`schema/schema.graphql` as committed at `revision`, or None if it is not there."""
    return _git("show", f"{revision}:{SDL_IN_REPO}")


def committed_history() -> dict[str, str]:
    """Each distinct committed version of the SDL, keyed by the newest commit that had it."""
    log = _git("log", "--format=%H", "--", SDL_IN_REPO) or ""
    versions: dict[str, str] = {}
    seen: set[str] = set()
    for commit in log.split():
        text = committed_sdl(commit)
        if text is not None and text not in seen:
            seen.add(text)
            versions[commit[:12]] = text
    return versions


def baselines(args: argparse.Namespace) -> dict[str, str]:
    """The SDLs to compare the code with, by a name to report them under."""
    if args.baseline is not None:
        return {str(args.baseline): args.baseline.read_text(encoding="utf-8")}
    if args.against is not None:
        found = committed_sdl(args.against)
        return {} if found is None else {f"{args.against}:{SDL_IN_REPO}": found}
    return {f"{commit}:{SDL_IN_REPO}": text for commit, text in committed_history().items()}


def check(named_baselines: dict[str, str], current: str, acknowledged: set[str]) -> list[str]:
    """Report each baseline's changes; return the unacknowledged breaking ones (deduplicated)."""
    unacknowledged: dict[str, list[str]] = {}
    reported: set[tuple[str, str]] = set()
    for name, baseline in named_baselines.items():
        diff = compare(baseline, current, acknowledged)
        for line in _once(diff.dangerous, reported, "dangerous (allowed)"):
            print(line)
        for line in _once(diff.acknowledged, reported, "breaking, acknowledged"):
            print(line)
        for description in diff.unacknowledged:
            unacknowledged.setdefault(description, []).append(name)
    for description, names in unacknowledged.items():
        print(f"BREAKING: {description}  (against {', '.join(names)})", file=sys.stderr)
    return list(unacknowledged)


def _once(descriptions: Iterable[str], reported: set[tuple[str, str]], label: str) -> Iterable[str]:
    """Each `label: description` line not printed yet (the same change shows in many baselines)."""
    for description in descriptions:
        if (label, description) not in reported:
            reported.add((label, description))
            yield f"{label}: {description}"


def main(argv: list[str] | None = None) -> int:
    """Compare the code's schema with the baselines; exit 1 on an unacknowledged breaking change."""
    parser = argparse.ArgumentParser(description="Report breaking GraphQL schema changes.")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--against", help="one git revision's SDL (default: every version)")
    source.add_argument("--baseline", type=Path, help="a baseline SDL file instead of git")
    parser.add_argument("--ack", type=Path, default=ACK_PATH, help="acknowledged changes file")
    args = parser.parse_args(argv)

    named = baselines(args)
    if not named:
        print(f"no committed {SDL_IN_REPO} to compare against")
        return 0
    breaking = check(named, gateway_sdl(), acknowledged_changes(args.ack))
    if breaking:
        print(
            f"{len(breaking)} breaking change(s). If intended, add each description above "
            f"(between 'BREAKING: ' and '(against') as a line of {args.ack}.",
            file=sys.stderr,
        )
        return 1
    print(f"no unacknowledged breaking changes against {len(named)} baseline(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
