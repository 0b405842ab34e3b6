"""Read models the indexer keeps beside the search index."""
