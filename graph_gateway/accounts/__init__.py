"""Accounts at the edge: users in the gateway's own database, argon2id passwords, JWTs."""
