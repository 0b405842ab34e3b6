"""A rebuild that flushes more segments than FTS5 can number still finishes.

FTS5 numbers a table's segments from a fixed pool of 2,000 and refuses a new one when
the pool is used up ("database or disk is full"). Every batch of a rebuild, and every
megabyte of text within a batch, flushes a new segment. A bulk load that merged a level
only once it held 2,000 segments ran out at 3,997 segments: about 8 GB of index, four
fifths of the way through a million artifacts. The bulk load must merge often enough
that the count stays bounded. Here FTS5's in-memory hash is made tiny (its
``hashsize`` option) so that each one-document batch flushes a segment, and more
batches are written than merging at 2,000 a level allows.
"""

from __future__ import annotations

from pathlib import Path

from eventsourcing.persistence import Tracking

from domain.ports.search import SearchQuery
from infra.search.sqlite_fts import SqliteFtsIndex
from tests.search_reference.generated import documents

DOCUMENTS = 4_100  # a segment each: beyond what merging only at 2,000 a level allows


def test_a_rebuild_of_more_segments_than_fts5_can_number_finishes(tmp_path: Path) -> None:
    index = SqliteFtsIndex(tmp_path / "search")
    rebuild = index.start_rebuild()
    with rebuild.store.datastore.transaction(commit=True) as c:
        c.execute("INSERT INTO fts (fts, rank) VALUES ('hashsize', 1024)")
    public = 0
    for document in documents(DOCUMENTS):
        rebuild.write([document], [])
        public += not document["members_only"]
    rebuild.swap(Tracking("Archive", DOCUMENTS))
    assert index.search(SearchQuery()).total == public  # what anyone may find
    index.close()
