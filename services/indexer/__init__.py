"""The indexer: follows the event log and projects published artifacts into search."""
