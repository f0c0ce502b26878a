"""Planned execution: a validated document's operation compiled once, run without graphql-core's
per-field `ResolveInfo`, type dispatch and awaitable checks (after graphql-jit)."""
