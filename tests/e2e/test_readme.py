"""The README documents every setting and opens with the two commands a newcomer needs."""

from __future__ import annotations

import re

from pydantic_settings import BaseSettings

from backup.locations import BackupSettings
from calendar_svc.settings import CalendarSettings
from diary_svc.settings import DiarySettings
from graph_gateway.settings import GatewaySettings
from scripts.processes import REPO_ROOT

README = REPO_ROOT / "README.md"


def env_names(settings: type[BaseSettings]) -> set[str]:
    """The environment variable each field of a settings class is read from."""
    prefix = str(settings.model_config.get("env_prefix", ""))
    names = set()
    for name, field in settings.model_fields.items():
        alias = field.validation_alias
        names.add(alias if isinstance(alias, str) else f"{prefix}{name}".upper())
    return names


def test_readme_documents_every_environment_variable() -> None:
    """Each variable the three processes (and the backup) read appears in the README."""
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", README.read_text(encoding="utf-8")))
    classes = (CalendarSettings, DiarySettings, GatewaySettings, BackupSettings)
    read = set().union(*(env_names(s) for s in classes))
    assert len(read) > 30
    assert sorted(read - documented) == []


def test_readme_starts_with_make_run_and_make_test() -> None:
    """The first code block is the two commands, in that order; CI runs the second."""
    text = README.read_text(encoding="utf-8")
    first_block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split()[:2] for line in first_block.splitlines()] == [
        ["make", "run"],
        ["make", "test"],
    ]
    assert "make test" in (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
