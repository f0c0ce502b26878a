"""Typed spellings of `@strawberry.field(...)` and `@strawberry.mutation(...)`.

Strawberry types the keyword-only decorator form as `Any`, which strict mypy refuses as an
untyped decorator; these keep the resolver's own signature visible to the type checker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import strawberry

F = TypeVar("F", bound=Callable[..., Any])


def field(description: str) -> Callable[[F], F]:
    """A resolved GraphQL field, described for GraphiQL."""
    return cast("Callable[[F], F]", strawberry.field(description=description))


def mutation(description: str) -> Callable[[F], F]:
    """A GraphQL mutation, described for GraphiQL."""
    return cast("Callable[[F], F]", strawberry.mutation(description=description))
