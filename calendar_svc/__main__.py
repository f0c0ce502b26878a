"""`python -m calendar_svc`: serve the calendar service with settings from the environment."""

from __future__ import annotations

from calendar_svc.app import create_app
from calendar_svc.settings import CalendarSettings
from fc_common.logging import configure_logging
from fc_common.server import serve
from fc_common.settings import load_settings


def main() -> None:
    """Read the settings, configure logging and serve until stopped."""
    settings = load_settings(CalendarSettings, service="calendar_svc")
    configure_logging(settings, service="calendar_svc")
    serve(create_app(settings), settings, service="calendar_svc")


if __name__ == "__main__":
    main()
