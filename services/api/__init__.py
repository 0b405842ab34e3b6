"""The HTTP API (FastAPI): routes translate HTTP to the Archive's commands and queries."""
