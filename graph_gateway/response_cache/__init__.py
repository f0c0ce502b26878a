"""Query answers cached per user in Redis, invalidated by the user's own mutations."""
