"""Request and response schemas of the HTTP API (separate from domain objects)."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from domain.errors import InvalidInput
from domain.values import clean_texts

UUID_PATTERN = r"^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$"


class Strict(BaseModel):
    """Request bodies: unknown fields refused, and text that is text (no control
    characters or lone surrogates, which no feed or XML record could carry)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _text_only(cls, value: Any, info: ValidationInfo) -> Any:
        try:
            return clean_texts(value, info.field_name or "body")
        except InvalidInput as error:
            raise ValueError(error.detail) from None


class Contributor(Strict):
    name: str = Field(min_length=1, max_length=200)
    role: str = Field(
        description="storyteller, storytelling-partner, presenter, local-leader, "
        "lead-learner or adapter"
    )


class ListedPerson(Strict):
    person_id: str = Field(pattern=UUID_PATTERN, description="The id of a recorded person")
    role: Literal["contributor", "presenter", "named", "pictured", "recorded"]


class ShownPerson(BaseModel):
    person_id: str | None = Field(
        None, description="Only for editors and the artifact's contributors"
    )
    role: str
    name: str = Field(description="As the person asked to be credited")


class ContentIn(Strict):
    title: str | None = None
    summary: str | None = None
    body: str | None = Field(None, description="Markdown")
    contributors: list[Contributor] | None = None
    terms: list[str] | None = Field(
        None,
        description="Framework terms written FRAMEWORK:TERM, e.g. principles:lead-with-learning",
    )
    stage: str | None = Field(None, description="A progression stage, e.g. conditions:developing")
    place: str | None = Field(None, description="Slug of a place")
    convening: str | None = None
    excursion: str | None = None
    date: str | None = Field(None, description="When the learning happened (YYYY-MM-DD)")
    first_published: str | None = Field(
        None, description="Imported work: when it was first published elsewhere (YYYY-MM-DD)"
    )
    language: str | None = None
    licence: str | None = Field(None, description="Creative Commons URI or all-rights-reserved")
    visibility: Literal["public", "members"] | None = None
    themes: list[str] | None = None
    presenters: list[str] | None = Field(None, description="Presentation of learning only")
    group: str | None = Field(None, description="Presentation of learning only")
    evidence: list[str] | None = Field(None, description="Presentation of learning only")
    presentations: list[str] | None = Field(
        None, description="Excursion synthesis only: ids of presentations of learning"
    )
    adaptation_note: str | None = Field(
        None, max_length=5000, description="Adaptations: what was changed for the new place"
    )
    persons: list[ListedPerson] | None = Field(
        None,
        description="The persons it names or shows, each recorded at /api/v1/persons; "
        "publishing needs their consent",
    )
    syndication: Literal["adaptable", "shared", "none"] | None = Field(
        None,
        description="adaptable (feeds, OAI-PMH, packages, and other sites may adapt it), "
        "shared (feeds, OAI-PMH, packages) or none (this site's pages only)",
    )

    def content(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"kind", "note"})


class ArtifactCreate(ContentIn):
    kind: str = Field(description="story, presentation-of-learning or excursion-synthesis")


class ArtifactRevise(ContentIn):
    note: str = Field("", max_length=500, description="Why the change was made")


class PublishRequest(Strict):
    version: int | None = Field(
        None, description="The version whose revision to publish (default: the current one)"
    )
    licence: str | None = None
    visibility: Literal["public", "members"] | None = None
    note: str = Field("", max_length=500)


class WithdrawRequest(Strict):
    reason: str = Field(min_length=1, max_length=2000)


class Publication(BaseModel):
    source_version: int
    number: int
    at: datetime
    note: str


class ArtifactOut(BaseModel):
    id: str
    kind: str
    version: int
    status: Literal["draft", "published", "withdrawn"]
    view: Literal["draft", "published"]
    title: str | None
    summary: str | None
    body: str | None
    body_html: str
    contributors: list[Contributor]
    terms: list[str]
    stage: str | None
    place: str | None
    convening: str | None
    excursion: str | None
    date: str | None
    first_published: str | None = None
    language: str
    licence: str | None
    visibility: str
    themes: list[str]
    presenters: list[str]
    group: str | None
    evidence: list[str]
    presentations: list[str]
    media: list[dict[str, Any]] = []
    adaptation_note: str | None = None
    persons: list[ShownPerson] = []
    syndication: str = "adaptable"
    adapted_from: dict[str, Any] | None = None
    adaptations: dict[str, Any] | None = None
    created_at: datetime
    modified_at: datetime
    first_published_at: datetime | None
    published: Publication | None
    withdrawal: dict[str, Any] | None
    position: int | None = Field(None, description="Log position this write produced")


class ArtifactPage(BaseModel):
    items: list[ArtifactOut]
    next: int | None = Field(description="Pass as ?after= for the next page")


class HistoryEntry(BaseModel):
    version: int
    type: str
    by: str | None
    at: datetime
    summary: str


class Diff(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: int = Field(alias="from")
    to: int
    fields: list[dict[str, Any]]
    body_changed: bool
    body_diff: list[str]


class TermIn(Strict):
    id: str
    label: str
    description: str = ""
    parent: str | None = None


class StageIn(Strict):
    id: str
    label: str
    description: str = ""


class FrameworkIn(Strict):
    id: str
    name: str = Field(min_length=1)
    description: str = ""
    source: str = ""
    terms: list[TermIn]
    stages: list[StageIn] = []


class PlaceIn(Strict):
    slug: str
    name: str = Field(min_length=1, max_length=200)
    kind: str
    parent: str | None = None
    lat: float | None = None
    lon: float | None = None
    identifiers: dict[str, str] = {}


class PlacePatch(Strict):
    name: str | None = None
    kind: str | None = None
    parent: str | None = None
    lat: float | None = None
    lon: float | None = None
    identifiers: dict[str, str] | None = None


class ConveningIn(Strict):
    slug: str
    title: str = Field(min_length=1)
    place: str
    starts: dt.date
    ends: dt.date
    question: str = ""
    summary: str = ""


class Leader(Strict):
    name: str = Field(min_length=1)
    role: Literal["local-leader", "lead-learner"]


class ExcursionIn(Strict):
    slug: str
    convening: str
    title: str = Field(min_length=1)
    host_place: str
    big_question: str = ""
    date: dt.date | None = None
    leaders: list[Leader] = []


class MediaDeclare(Strict):
    filename: str = Field(min_length=1, max_length=1000)
    content_type: str = Field(max_length=200)
    size: int = Field(ge=0, description="Bytes")
    sha256: str = Field(max_length=64, description="Hex SHA-256 of the file")
    alt: str = Field("", max_length=1000, description="Alt text (images need it to publish)")
    caption: str = Field("", max_length=2000)
    describes: str | None = Field(
        None, description="For captions/transcripts: the id of the audio or video they describe"
    )


class Part(Strict):
    part_number: int = Field(ge=1, le=10_000)
    etag: str = Field("", max_length=200)


class MediaComplete(Strict):
    parts: list[Part] | None = None


class MediaDescribe(Strict):
    alt: str | None = Field(None, max_length=1000)
    caption: str | None = Field(None, max_length=2000)


class AdaptationSource(Strict):
    artifact_id: str | None = Field(
        None, pattern=UUID_PATTERN, description="A local artifact (its UUID)"
    )
    version: int | None = Field(None, ge=1, description="Its version (default: the published one)")
    url: str | None = Field(None, max_length=2000, description="A remote Commonplace artifact URL")


class AdaptationRequest(Strict):
    source: AdaptationSource
    place: str = Field(description="The place the adaptation is for")
    kind: str | None = None


class AdaptationNotice(Strict):
    adaptation_url: str = Field(max_length=2000)
    notice_id: str | None = Field(
        None, max_length=100, description="The sender's id for this notice; repeats are ignored"
    )
