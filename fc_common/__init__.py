"""What all three Fortune Compass processes share: settings base, logging, request ids, health,
internal auth, database setup, errors and pagination cursors."""

__version__ = "0.1.0"
