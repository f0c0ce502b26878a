"""The mutations, one class per domain, merged into the schema's `Mutation` type."""
