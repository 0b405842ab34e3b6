"""Search: one port, two adapters (SQLite FTS5 embedded, Meilisearch in production)."""
