"""Helpers several suites share: the live stack, services as real processes, fresh databases,
the live GraphQL client, image uploads, schemathesis runs (never imported from `tests/e2e`)."""
