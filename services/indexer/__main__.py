"""``python -m services.indexer``: the indexer process."""

from services.indexer.main import run_indexer

run_indexer()
