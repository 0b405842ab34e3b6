"""Moved to :mod:`domain.app.search`; this name stays while other modules move over."""

from domain.app.search import SearchRequest, SearchService, parse_near

__all__ = ["SearchRequest", "SearchService", "parse_near"]
