"""`make schema`: write the contracts down — the gateway's SDL and each service's OpenAPI JSON.

`schema/schema.graphql` is Strawberry's printed schema; `schema/{calendar,diary}.openapi.json`
are the services' `openapi()` with sorted keys, so the files only change when the code does.
`--check` writes nothing and exits 1 when a committed file differs from what the code says.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from calendar_svc.app import create_app as create_calendar_app
from calendar_svc.settings import CalendarSettings
from diary_svc.app import create_app as create_diary_app
from diary_svc.settings import DiarySettings
from graph_gateway.schema import build_schema
from graph_gateway.settings import GatewaySettings

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schema"
SDL_PATH = SCHEMA_DIR / "schema.graphql"


def gateway_sdl() -> str:
    """The gateway's schema in SDL, as the running gateway serves it."""
    return build_schema(GatewaySettings(environment="test")).as_str().rstrip("\n") + "\n"


def _openapi(build: Callable[[], dict[str, object]]) -> str:
    return json.dumps(build(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def calendar_openapi() -> str:
    """The calendar service's OpenAPI document (building the app touches no database)."""
    return _openapi(lambda: create_calendar_app(CalendarSettings(environment="test")).openapi())


def diary_openapi() -> str:
    """The diary service's OpenAPI document."""
    return _openapi(lambda: create_diary_app(DiarySettings(environment="test")).openapi())


def render_all() -> dict[Path, str]:
    """Every exported file and the text the code says it should hold."""
    return {
        SDL_PATH: gateway_sdl(),
        SCHEMA_DIR / "calendar.openapi.json": calendar_openapi(),
        SCHEMA_DIR / "diary.openapi.json": diary_openapi(),
    }


def drifted(rendered: dict[Path, str]) -> list[Path]:
    """The files whose committed text differs from the rendered one (or that are missing)."""
    return [
        path
        for path, text in rendered.items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]


def main(argv: list[str] | None = None) -> int:
    """Write the files, or with `--check` report the ones that drifted."""
    parser = argparse.ArgumentParser(description="Export the GraphQL SDL and the OpenAPI JSON.")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    rendered = render_all()
    if args.check:
        stale = drifted(rendered)
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run `make schema`", file=sys.stderr)
        return 1 if stale else 0
    SCHEMA_DIR.mkdir(exist_ok=True)
    for path, text in rendered.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
