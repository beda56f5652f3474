"""The history of gradings: a SQLite store of snapshots."""
