"""Backups that restore: online capture of every database and the image store, verify, restore,
and the cross-service consistency check (`fsck`). Run it as `python -m backup` (see README)."""
