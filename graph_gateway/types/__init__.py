"""The GraphQL types of the gateway's schema, one module per domain."""
