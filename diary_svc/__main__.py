"""`python -m diary_svc`: serve the diary service with settings from the environment."""

from __future__ import annotations

from diary_svc.app import create_app
from diary_svc.settings import DiarySettings
from fc_common.logging import configure_logging
from fc_common.server import serve
from fc_common.settings import load_settings


def main() -> None:
    """Read the settings, configure logging and serve until stopped."""
    settings = load_settings(DiarySettings, service="diary_svc")
    configure_logging(settings, service="diary_svc")
    serve(create_app(settings), settings, service="diary_svc")


if __name__ == "__main__":
    main()
