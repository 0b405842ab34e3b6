"""The header and record elements of OAI-PMH answers, built from publications rows.

A row of the publications read model becomes a ``header`` (a ``deleted`` one once
the artifact is no longer public) or a ``record`` with its metadata in the format
asked for. The metadata comes from the record the read model stored; only rows
written before records were stored fall back to loading the artifact.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from domain.app.records import Catalogue
from domain.errors import NotFound
from infra.syndication import oai_text
from infra.syndication.oai_protocol import OAI_NS, datestamp
from infra.syndication.oai_xml import Format, commonplace, dublin_core, sub

StageLabels = Callable[[str], str | None]


class RecordElements:
    """Builds the ``header`` and ``record`` elements of one repository."""

    def __init__(
        self,
        *,
        catalogue: Any,
        records: Any,
        repository_name: str,
        identifier: Callable[[str], str],
    ) -> None:
        self.catalogue = catalogue
        self.records = records
        self.repository_name = repository_name
        self.identifier = identifier

    def header(self, row: Any, deleted: bool) -> Any:
        o = f"{{{OAI_NS}}}"
        header = etree.Element(o + "header")
        if deleted:
            header.set("status", "deleted")
        sub(header, o + "identifier", self.identifier(row.artifact_id))
        sub(header, o + "datestamp", datestamp(row.datestamp))
        for spec in row.sets:
            sub(header, o + "setSpec", spec)
        return header

    def record(
        self,
        row: Any,
        found: Format,
        stage_labels: StageLabels,
        lookups: Catalogue | None = None,
    ) -> Any:
        o = f"{{{OAI_NS}}}"
        node = etree.Element(o + "record")
        record = self.metadata_record(row, lookups) if row.status == "public" else None
        node.append(self.header(row, deleted=record is None))
        if record is not None:
            metadata = sub(node, o + "metadata")
            if found.prefix == "oai_dc":
                metadata.append(dublin_core(record, self.repository_name))
            else:
                metadata.append(commonplace(record, found.schema, stage_labels))
        return node

    def header_text(self, row: Any, deleted: bool) -> str:
        """:meth:`header`, written as text."""
        return oai_text.header(self.identifier(row.artifact_id), row.datestamp, row.sets, deleted)

    def record_text(
        self,
        row: Any,
        found: Format,
        stage_labels: StageLabels,
        lookups: Catalogue | None = None,
    ) -> str:
        """:meth:`record`, written as text (see :mod:`~.oai_text`)."""
        record = self.metadata_record(row, lookups) if row.status == "public" else None
        header = self.header_text(row, deleted=record is None)
        if record is None:
            return f"<record>{header}</record>"
        if found.prefix == "oai_dc":
            metadata = oai_text.dublin_core(record, self.repository_name)
        else:
            metadata = oai_text.commonplace(record, found.schema, stage_labels)
        return f"<record>{header}<metadata>{metadata}</metadata></record>"

    def metadata_record(self, row: Any, lookups: Catalogue | None) -> dict[str, Any] | None:
        """The record from what the view stored; from the aggregate for a row without it."""
        stored = getattr(row, "record", None)
        if stored is not None:
            return dict(self.records.from_stored(row.artifact_id, stored, lookups))
        try:
            record: dict[str, Any] | None = self.records.record(row.artifact_id)
            return record
        except NotFound:
            # Withdrawn or made members-only since the read model last moved: its
            # tombstone is on the way, so it is already reported as deleted.
            return None

    def stage_labels(self) -> StageLabels:
        """Stage labels by ``framework:stage``, the frameworks read on first use only."""
        labels: dict[str, str] = {}
        loaded = False

        def label(key: str) -> str | None:
            nonlocal loaded
            if not loaded:
                loaded = True
                for framework in self.catalogue.frameworks():
                    for stage in framework.stages:
                        labels[f"{framework.slug}:{stage['id']}"] = stage.get("label", "")
            return labels.get(key) or None

        return label
