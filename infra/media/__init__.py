"""Media bytes: one port, two adapters (a local folder by default, S3-compatible storage)."""
