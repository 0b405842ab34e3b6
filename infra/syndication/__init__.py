"""What other sites pull: records, JSON-LD, feeds, OAI-PMH, packages."""
