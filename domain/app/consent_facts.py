"""What consent enforcement knows, folded from the log: plain JSON-able rows.

- ``artifacts``: for each artifact that lists persons, the entries of its draft
  (``Created``/``Revised``) and of what is out (``Published``), and whether a
  decision is ``pending`` for it;
- ``terms``: each consent's ``ConsentTerms`` (``Given``/``Narrowed``/``Withdrawn``);
- ``standings``: each person's ``Standing`` (``MarkedMinor``/``MarkedAdult``/``Erased``);
- ``meta``: how far the sweep of expiries (and of changes dated ahead) has gone.

Folding an event marks the artifacts whose decision may change as pending and
notes which rows changed, so the follower writes only those with its position.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.artifact import Artifact
from domain.catalogue import event_topic
from domain.consent import Consent, ConsentTerms, GivenBy, Scope, Standing
from domain.consent_rules import due_expiries, next_expiry
from domain.people import Person

Rows = dict[str, dict[str, Any]]
KINDS = ("artifacts", "terms", "standings", "meta")
SWEEP = "sweep"

ARTIFACT_TOPICS = {
    event_topic(Artifact, name): name for name in ("Created", "Revised", "Published")
}
CONSENT_TOPICS = {event_topic(Consent, name): name for name in ("Given", "Narrowed", "Withdrawn")}
PERSON_TOPICS = {
    event_topic(Person, name): name for name in ("MarkedMinor", "MarkedAdult", "Erased")
}
TOPICS = sorted({**ARTIFACT_TOPICS, **CONSENT_TOPICS, **PERSON_TOPICS})


def terms_row(terms: ConsentTerms) -> dict[str, Any]:
    return {
        "person_id": str(terms.person_id),
        "artifact_id": str(terms.artifact_id) if terms.artifact_id else None,
        "given_by": terms.given_by.value,
        "given_at": terms.given_at.isoformat(),
        "scopes": [[since.isoformat(), scope.slug] for since, scope in terms.scopes],
        "expires_at": terms.expires_at.isoformat() if terms.expires_at else None,
        "withdrawn_at": terms.withdrawn_at.isoformat() if terms.withdrawn_at else None,
    }


def terms_of(consent_id: str, row: dict[str, Any]) -> ConsentTerms:
    def moment(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    return ConsentTerms(
        consent_id=UUID(consent_id),
        person_id=UUID(row["person_id"]),
        artifact_id=UUID(row["artifact_id"]) if row["artifact_id"] else None,
        given_by=GivenBy(row["given_by"]),
        given_at=datetime.fromisoformat(row["given_at"]),
        scopes=tuple(
            (datetime.fromisoformat(since), Scope[scope.upper()]) for since, scope in row["scopes"]
        ),
        expires_at=moment(row["expires_at"]),
        withdrawn_at=moment(row["withdrawn_at"]),
    )


def standing_of(person_id: str, row: dict[str, Any] | None) -> Standing:
    if row is None:
        return Standing(UUID(person_id))
    until = row.get("minor_until")
    return Standing(
        UUID(person_id),
        minor=bool(row.get("minor")),
        minor_until=date.fromisoformat(until) if until else None,
        erased=bool(row.get("erased")),
    )


def entries(persons: Any) -> list[dict[str, Any]]:
    return [dict(entry) for entry in persons or [] if isinstance(entry, dict)]


@dataclass
class ConsentFacts:
    artifacts: Rows = field(default_factory=dict)
    terms: Rows = field(default_factory=dict)
    standings: Rows = field(default_factory=dict)
    meta: Rows = field(default_factory=dict)
    changed: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in KINDS})

    def rows(self, kind: str) -> Rows:
        rows: Rows = getattr(self, kind)
        return rows

    def take_changes(self) -> dict[str, Rows]:
        """The rows changed since the last call, by kind."""
        found = {kind: {i: self.rows(kind)[i] for i in ids} for kind, ids in self.changed.items()}
        self.changed = {kind: set() for kind in KINDS}
        return {kind: rows for kind, rows in found.items() if rows}

    def _touch(self, kind: str, row_id: str) -> None:
        self.changed[kind].add(row_id)

    # -- folding ------------------------------------------------------------

    def fold(self, topic: str, event: Any) -> None:
        if topic in ARTIFACT_TOPICS:
            self._fold_artifact(ARTIFACT_TOPICS[topic], str(event.originator_id), event)
        elif topic in CONSENT_TOPICS:
            self._fold_consent(CONSENT_TOPICS[topic], str(event.originator_id), event)
        elif topic in PERSON_TOPICS:
            self._fold_person(PERSON_TOPICS[topic], str(event.originator_id), event)

    def _fold_artifact(self, name: str, artifact_id: str, event: Any) -> None:
        row = self.artifacts.get(artifact_id)
        if name == "Revised" and "persons" not in event.changes:
            return
        persons = entries((event.changes if name == "Revised" else event.content).get("persons"))
        if row is None and not persons:
            return  # an artifact that never listed anyone needs no row
        row = row or {"draft": [], "published": [], "pending": False}
        if name == "Published":
            row["published"] = persons
            row["pending"] = row["pending"] or bool(persons)  # a publish may race a withdrawal
        else:
            row["draft"] = persons
        self.artifacts[artifact_id] = row
        self._touch("artifacts", artifact_id)

    def _fold_consent(self, name: str, consent_id: str, event: Any) -> None:
        if name == "Given":
            terms = ConsentTerms(
                consent_id=UUID(consent_id),
                person_id=event.person_id,
                artifact_id=event.artifact_id,
                given_by=GivenBy(event.given_by),
                given_at=event.given_at,
                scopes=((event.given_at, Scope[event.scope.upper()]),),
                expires_at=event.expires_at,
            )
            self.terms[consent_id] = terms_row(terms)
            self._touch("terms", consent_id)
            return  # a new consent only widens what is allowed
        row = self.terms.get(consent_id)
        if row is None:
            return
        if name == "Narrowed":
            row["scopes"] = [*row["scopes"], [event.at.isoformat(), event.scope.lower()]]
        else:
            row["withdrawn_at"] = event.at.isoformat()
        self._touch("terms", consent_id)
        self.mark(self.affected_by(terms_of(consent_id, row)))

    def _fold_person(self, name: str, person_id: str, event: Any) -> None:
        row = self.standings.setdefault(person_id, {})
        if name == "MarkedMinor":
            row.update(minor=True, minor_until=event.until)
        elif name == "MarkedAdult":
            row.update(minor=False, minor_until=None)
        else:
            row["erased"] = True
        self._touch("standings", person_id)
        self.mark(self.listing(person_id))

    # -- queries ------------------------------------------------------------

    def listing(self, person_id: str) -> list[str]:
        """The artifacts whose draft or publication lists the person."""
        return [
            artifact_id
            for artifact_id, row in self.artifacts.items()
            if any(e.get("person_id") == person_id for e in [*row["draft"], *row["published"]])
        ]

    def affected_by(self, terms: ConsentTerms) -> list[str]:
        listing = self.listing(str(terms.person_id))
        if terms.artifact_id is None:
            return listing
        return [a for a in listing if a == str(terms.artifact_id)]

    def mark(self, artifact_ids: Iterable[str]) -> None:
        for artifact_id in artifact_ids:
            row = self.artifacts.get(artifact_id)
            if row is not None and not row["pending"]:
                row["pending"] = True
                self._touch("artifacts", artifact_id)

    def pending(self) -> list[str]:
        return [artifact_id for artifact_id, row in self.artifacts.items() if row["pending"]]

    def settle(self, artifact_id: str) -> None:
        row = self.artifacts.get(artifact_id)
        if row is not None and row["pending"]:
            row["pending"] = False
            self._touch("artifacts", artifact_id)

    def all_terms(self) -> list[ConsentTerms]:
        return [terms_of(consent_id, row) for consent_id, row in self.terms.items()]

    def terms_for(self, person_ids: Iterable[str]) -> list[ConsentTerms]:
        wanted = set(person_ids)
        return [terms_of(i, row) for i, row in self.terms.items() if row["person_id"] in wanted]

    def standing(self, person_id: str) -> Standing:
        return standing_of(person_id, self.standings.get(person_id))

    # -- the sweep of moments that pass with no one acting ----------------------

    def swept_until(self) -> datetime | None:
        until = self.meta.get(SWEEP, {}).get("until")
        return datetime.fromisoformat(until) if until else None

    def sweep(self, now: datetime) -> list[ConsentTerms]:
        """Mark what the expiries (and changes dated ahead) in (last sweep, ``now``] affect."""
        after = self.swept_until() or datetime.min.replace(tzinfo=now.tzinfo)
        every = self.all_terms()
        due = due_expiries(every, after, now) + [
            terms for terms in every if any(after < m <= now for m in _dated_changes(terms))
        ]
        for terms in due:
            self.mark(self.affected_by(terms))
        self.meta[SWEEP] = {"until": now.isoformat()}
        self._touch("meta", SWEEP)
        return due

    def next_due(self, after: datetime) -> datetime | None:
        every = self.all_terms()
        moments = [m for terms in every for m in _dated_changes(terms) if m > after]
        expiry = next_expiry(every, after)
        return min([*moments, *([expiry] if expiry else [])], default=None)


def _dated_changes(terms: ConsentTerms) -> Iterator[datetime]:
    """Narrowings and a withdrawal, which may be dated after they were recorded."""
    yield from (since for since, _ in terms.scopes[1:])
    if terms.withdrawn_at is not None:
        yield terms.withdrawn_at
