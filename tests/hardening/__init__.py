"""Hardening: faults contained, hostile queries refused, rate limits, logs without secrets."""
