"""The committed contracts in `schema/` match the code, and breaking changes are caught."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from scripts import export_schema, schema_check

REMOVED_FIELD = "Field Query.legacyPing was removed."


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True) if path.is_file() else []


def test_committed_schema_files_match_the_code() -> None:
    """`make schema` has been run and committed: SDL and both OpenAPI files are current."""
    rendered = export_schema.render_all()
    stale = export_schema.drifted(rendered)
    diffs = [
        "".join(
            difflib.unified_diff(
                _lines(path),
                rendered[path].splitlines(keepends=True),
                f"committed {path.name}",
                f"code's {path.name}",
            )
        )[:4000]
        for path in stale
    ]
    assert stale == [], "run `make schema` and commit schema/:\n" + "\n".join(diffs)


def test_exports_are_stable() -> None:
    """Two renders are byte-identical, so the drift check never flickers."""
    assert export_schema.render_all() == export_schema.render_all()


@pytest.fixture
def baseline_with_extra_field(tmp_path: Path) -> Path:
    """A baseline SDL that had a query field the code no longer has."""
    sdl = export_schema.gateway_sdl()
    assert "type Query {\n" in sdl
    path = tmp_path / "baseline.graphql"
    path.write_text(sdl.replace("type Query {\n", "type Query {\n  legacyPing: String\n", 1))
    return path


def test_schema_check_fails_on_an_unacknowledged_breaking_change(
    baseline_with_extra_field: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A removed field is reported as breaking and fails the check."""
    code = schema_check.main(
        ["--baseline", str(baseline_with_extra_field), "--ack", str(tmp_path / "none.txt")]
    )
    assert code == 1
    assert f"BREAKING: {REMOVED_FIELD}" in capsys.readouterr().err


def test_schema_check_passes_an_acknowledged_breaking_change(
    baseline_with_extra_field: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Listing the change in the acknowledgement file lets it through, and says so."""
    ack = tmp_path / "ack.txt"
    ack.write_text(f"# dropped on purpose\n{REMOVED_FIELD}\n")
    assert schema_check.main(["--baseline", str(baseline_with_extra_field), "--ack", str(ack)]) == 0
    assert f"breaking, acknowledged: {REMOVED_FIELD}" in capsys.readouterr().out


def test_schema_check_passes_the_committed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    """The code against the committed SDL: nothing breaking (what `make schema-check` runs)."""
    assert schema_check.main(["--baseline", str(export_schema.SDL_PATH)]) == 0
    assert "no unacknowledged breaking changes" in capsys.readouterr().out


def test_history_holds_every_committed_version_including_head() -> None:
    """The default baseline set is the SDL's git history, HEAD's version among it."""
    head = schema_check.committed_sdl("HEAD")
    assert head is not None
    assert head in schema_check.committed_history().values()


def test_compare_tells_breaking_from_dangerous_changes() -> None:
    """A narrowed argument type breaks clients; a new enum value is only dangerous."""
    old = "type Query { items(first: Int): [String] }\nenum Mood { HAPPY }\n"
    new = "type Query { items(first: Int!): [String] }\nenum Mood { HAPPY SAD }\n"
    diff = schema_check.compare(old, new, acknowledged=set())
    assert diff.unacknowledged == [
        "Argument Query.items(first:) has changed type from Int to Int!."
    ]
    assert diff.acknowledged == []
    assert diff.dangerous == ["Enum value Mood.SAD was added."]
