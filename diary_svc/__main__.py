"""`python -m diary_svc`: serve the diary service with settings from the environment."""

from __future__ import annotations

from diary_svc.app import create_app
from diary_svc.settings import DiarySettings
from fc_common.server import run_process

if __name__ == "__main__":
    run_process(DiarySettings, create_app, service="diary_svc")
