"""The gateway's HTTP layer, in the order a request meets it.

- `graphql_body.py`: every error answer under `/graphql` gets a GraphQL body (middleware);
- `router.py`: `/graphql` as GraphQL over HTTP wants it (media types, statuses, GraphiQL);
- `csrf.py`: a multipart upload must carry a header only a preflighted request can;
- `request_body.py`: the request's parameters (JSON, GET or multipart) read and checked once;
- `idempotency.py` (and its table, `idempotency_store.py`): `Idempotency-Key` replays;
- `graphiql/`: the offline GraphiQL page and its files;
- `images.py` and `image_urls.py`: the signed-URL image route, and the signing.
"""
