"""Shared settings: FC_DATA_DIR moves all local data; every unsafe setting is named at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from calendar_svc.settings import CalendarSettings
from diary_svc.settings import DiarySettings
from fc_common.settings import load_settings
from graph_gateway.settings import GatewaySettings


def test_fc_data_dir_moves_every_sqlite_file_and_the_images(tmp_path: Path) -> None:
    calendar = CalendarSettings(environment="test", data_dir=tmp_path)
    diary = DiarySettings(environment="test", data_dir=tmp_path)
    gateway = GatewaySettings(environment="test", data_dir=tmp_path)
    assert calendar.database_url == f"sqlite:///{tmp_path}/calendar.db"
    assert diary.database_url == f"sqlite:///{tmp_path}/diary.db"
    assert gateway.database_url == f"sqlite:///{tmp_path}/gateway.db"
    assert diary.image_root == tmp_path / "images"
    # An explicit URL still wins.
    explicit = CalendarSettings(environment="test", data_dir=tmp_path, database_url="sqlite://")
    assert explicit.database_url == "sqlite://"


def test_a_bad_start_names_every_unsafe_setting_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FC_ENVIRONMENT", "production")
    monkeypatch.setenv("GATEWAY_PASSWORD_MEMORY_KIB", "1024")
    monkeypatch.setenv("GATEWAY_PASSWORD_TIME_COST", "1")
    with pytest.raises(SystemExit) as stopped:
        load_settings(GatewaySettings, service="graph_gateway")
    assert stopped.value.code == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("graph_gateway: refusing to start")
    assert [line.split()[1] for line in lines[1:]] == [
        "FC_INTERNAL_TOKEN",
        "GATEWAY_JWT_SECRET",
        "GATEWAY_PASSWORD_MEMORY_KIB",
        "GATEWAY_PASSWORD_TIME_COST",
    ]


def test_a_malformed_value_is_named_by_its_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CALENDAR_PORT", "not-a-port")
    with pytest.raises(SystemExit):
        load_settings(CalendarSettings, service="calendar_svc")
    assert "  - CALENDAR_PORT: " in capsys.readouterr().err
