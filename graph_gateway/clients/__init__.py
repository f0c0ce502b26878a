"""Typed clients for the calendar and diary services over one shared, pooled httpx client each."""
