"""Data exports: a zip of everything a user owns, built on disk, fetched through a signed URL."""
