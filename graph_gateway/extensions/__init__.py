"""What runs around every GraphQL operation; `schema.py` lists them in execution order.

- `persisted_queries.py`: a hash becomes its document (APQ, or an allow-list);
- `rate_limit.py`: where rate limits are applied (the buckets: `rate_limiter.py`);
- `request_log.py`: the request log line's facts (operation, caller, upstream calls);
- `deadline.py`: the request's time budget, for the operation and every async resolver;
- `api_key_scopes.py`: a READ API key cannot mutate;
- `query_limits.py`: size, tokens, depth, aliases and cost (measured by `query_cost.py`);
- `document_cache.py`: each distinct document parsed and validated once;
- `argument_bounds.py`: every string argument within its length bound;
- `plain_fields.py`: plain fields resolved by one attribute read.
Error codes are given in one place: `GatewaySchema.process_errors` with `errors.client_error`.
"""
