"""The token check the API makes on the event loop answers from memory only."""

from __future__ import annotations

from domain.application import Archive


def test_a_token_is_remembered_only_after_it_was_checked() -> None:
    archive = Archive()  # in memory (eventsourcing's POPO persistence)
    token, _ = archive.tokens.issue("partner", "Ana")
    assert archive.tokens.remembered(token) == (False, None)
    principal = archive.tokens.authenticate(token)
    assert principal is not None and principal.name == "Ana"
    assert archive.tokens.remembered(token) == (True, principal)


def test_an_unknown_token_is_remembered_as_refused() -> None:
    archive = Archive()
    assert archive.tokens.authenticate("not-a-token") is None
    assert archive.tokens.remembered("not-a-token") == (True, None)
