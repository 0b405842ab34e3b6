"""Commonplace's processes: the HTTP API and the indexer."""
