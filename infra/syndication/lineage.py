"""Moved to :mod:`domain.app.lineage`; this name stays while other modules move over."""

from domain.app.lineage import (
    chain,
    local_id,
    may_see,
    page_of,
    public_source,
    site_of,
    visible_chain,
    visible_node,
    visible_source,
)

__all__ = [
    "chain",
    "local_id",
    "may_see",
    "page_of",
    "public_source",
    "site_of",
    "visible_chain",
    "visible_node",
    "visible_source",
]
