"""The demo archive: a small, realistic archive loaded into an empty store."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any
from uuid import UUID

from domain.access import Principal, Role
from domain.application import Archive
from domain.artifact import COMMON_FIELDS, KIND_FIELDS, Artifact
from domain.errors import Conflict

DEMO_EDITOR = Principal(id="demo-editor", name="Demo editor", role=Role.EDITOR)
DEMO_PARTNER = Principal(id="demo-partner", name="Demo storytelling partner", role=Role.PARTNER)

# Everything a revision may set, except the synthesis links filled in from keys below.
# A Spanish or English version of another demo artifact carries ``"translation_of":
# {"key": <the original's key>, "translator": <name>}`` in demo.json: it is loaded as an
# artifact of its own, crediting the translator, then linked to its original.
CONTENT_KEYS = tuple(k for k in COMMON_FIELDS + KIND_FIELDS if k != "presentations")


def demo_data() -> dict[str, Any]:
    text = resources.files(__name__).joinpath("demo.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def load_demo(archive: Archive) -> dict[str, int]:
    """Load the demo archive; loading twice adds nothing new."""
    from infra.bootstrap import seed_frameworks

    seed_frameworks(archive)
    data = demo_data()
    _load_catalogue(archive, data)
    ids: dict[str, UUID] = {}
    artifacts = sorted(data["artifacts"], key=lambda a: a["kind"] == "excursion-synthesis")
    for spec in artifacts:
        ids[spec["key"]] = _load_artifact(archive, spec, ids)
    for spec in artifacts:
        link = spec.get("translation_of")
        if link:
            archive.translations.link(
                DEMO_EDITOR, ids[spec["key"]], ids[link["key"]], link["translator"]
            )
    return {
        "places": len(data["places"]),
        "convenings": len(data["convenings"]),
        "excursions": len(data["excursions"]),
        "artifacts": len(ids),
    }


def _load_catalogue(archive: Archive, data: dict[str, Any]) -> None:
    loaders = (
        (data["places"], archive.catalogue.register_place),
        (data["convenings"], archive.catalogue.schedule_convening),
        (data["excursions"], archive.catalogue.plan_excursion),
    )
    for records, command in loaders:
        for record in records:
            try:
                command(DEMO_EDITOR, record)
            except Conflict:
                continue  # already there from an earlier load


def _load_artifact(archive: Archive, spec: dict[str, Any], ids: dict[str, UUID]) -> UUID:
    content = {k: spec[k] for k in CONTENT_KEYS if spec.get(k) is not None}
    translator = (spec.get("translation_of") or {}).get("translator")
    credit = {"name": translator, "role": "translator"}
    if translator and credit not in content.get("contributors", []):
        content["contributors"] = [*content.get("contributors", []), credit]
    if spec["kind"] == "excursion-synthesis":
        content["presentations"] = [str(ids[key]) for key in spec.get("presentations", [])]
    try:
        created = archive.artifacts.create(
            DEMO_PARTNER, spec["kind"], content, idempotency_key=f"demo:{spec['key']}"
        )
    except Conflict as loaded:  # loaded from an earlier edition of the demo: keep it
        return UUID(str(loaded.extra["id"]))
    artifact_id = UUID(created.id)
    if not created.created:
        return artifact_id
    version = created.version
    status = spec.get("status", "published")
    if status != "draft":
        version = archive.artifacts.publish(DEMO_EDITOR, artifact_id, version).version
    for revision in spec.get("revisions", []):
        version = archive.artifacts.revise(
            DEMO_PARTNER, artifact_id, version, revision["changes"], note=revision.get("note", "")
        ).version
        version = archive.artifacts.submit(DEMO_PARTNER, artifact_id, version).version
        if status != "draft":
            version = archive.artifacts.publish(DEMO_EDITOR, artifact_id, version).version
    if status == "withdrawn":
        archive.artifacts.withdraw(DEMO_EDITOR, artifact_id, spec["withdrawal_reason"], version)
    assert isinstance(archive.load(Artifact, artifact_id), Artifact)
    return artifact_id
