"""Helpers several suites share: services as real processes, schemathesis runs."""
