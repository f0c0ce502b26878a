"""What all three Fortune Compass processes share: settings base, the process runner, logging,
request ids, health, internal auth, database setup, errors and pagination cursors; and what the
two services share: the SQL idiom's pieces (`sql`), input-model fields (`fields`), the account
and maintenance routes (`service_routes`) and owner-scoped reads and keyed writes."""

__version__ = "0.1.0"
