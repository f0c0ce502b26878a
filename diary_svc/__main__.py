"""`python -m diary_svc`: serve the diary service with settings from the environment."""

from __future__ import annotations

from diary_svc.app import create_app
from diary_svc.settings import DiarySettings
from fc_common.logging import configure_logging
from fc_common.server import serve


def main() -> None:
    """Read the settings, configure logging and serve until stopped."""
    settings = DiarySettings()
    configure_logging(settings, service="diary_svc")
    serve(create_app(settings), settings, service="diary_svc")


if __name__ == "__main__":
    main()
