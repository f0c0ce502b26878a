"""A production-shaped cluster on one machine, run by `python -m cluster`.

nginx terminates TLS in front of the gateway replicas and balances the calendar and diary
replicas behind them; everything keeps its data in PostgreSQL and Redis.
"""
