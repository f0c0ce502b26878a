"""The gateway's metrics and spans: GraphQL operations and phases, upstream calls, breakers."""
