"""The fetcher port: reading and posting JSON documents on other sites.

The adapter (``infra.fetch.GuardedFetcher``) refuses private addresses, bounds
every fetch by a deadline and a size cap, and limits how many run at once.
"""

from __future__ import annotations

from typing import Any, Protocol

from domain.errors import DomainError, InvalidInput


class FetchFailed(InvalidInput):
    """The other site did not give a usable answer (HTTP 422).

    When it answered with an HTTP status other than 200, ``extra["answered"]`` holds it.
    """

    title = "Could not fetch"


class FetchRefused(InvalidInput):
    """A URL we will not fetch (HTTP 422)."""

    title = "Address refused"


class FetchBusy(DomainError):
    """Too many fetches of other sites are running; try again shortly (HTTP 503)."""

    title = "Busy"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class Fetcher(Protocol):
    #: Seconds one fetch may take in all (connect, headers and body).
    deadline: float

    def get_json(self, url: str, *, wait: float = 0.0) -> dict[str, Any]:
        """The JSON object at ``url``; ``wait`` seconds for a free slot at most."""
        ...

    def post_json(
        self,
        url: str,
        payload: dict[str, Any] | bytes,
        *,
        wait: float = 0.0,
        headers: dict[str, str] | None = None,
    ) -> int:
        """POST ``payload`` as JSON (bytes are sent exactly as given, with ``headers``);
        the answer's status code."""
        ...
