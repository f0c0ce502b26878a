"""`python -m calendar_svc`: serve the calendar service with settings from the environment."""

from __future__ import annotations

from calendar_svc.app import create_app
from calendar_svc.settings import CalendarSettings
from fc_common.server import run_process

if __name__ == "__main__":
    run_process(CalendarSettings, create_app, service="calendar_svc")
