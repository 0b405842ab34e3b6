"""Withdrawal notices across sites, over real HTTP between Commonplace servers on loopback.

Site A publishes a story, site B adapts it (and B's adaptation notice reaches A);
when A withdraws the story, B's adaptation is withdrawn pending an editor's review,
also when B was down at the time. Run on SQLite and on PostgreSQL (one schema per
site in the same database).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from domain.app.signatures import WELL_KNOWN, sign_post
from domain.app.withdrawal_notices import body_of
from infra.site_keys import load_site_keys
from tests.integration.test_sites import (
    adapt_remote,
    draft_from,
    eventually,
    origin_story,
    outbox_entries,
)
from tests.sites import Site, running_site

Database = Callable[[], tuple[str, str] | None]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest) -> Iterator[Database]:
    """Makes the stores of one more site: None (SQLite) or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield lambda: None
        return
    import psycopg

    url = request.getfixturevalue("postgres_url")
    made: list[str] = []

    def schema() -> tuple[str, str]:
        name = f"cp_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {name}")
        made.append(name)
        return url, name

    yield schema
    with psycopg.connect(url, autocommit=True) as conn:
        for name in made:
            conn.execute(f"DROP SCHEMA {name} CASCADE")


def api(site: Site, artifact_id: str) -> str:
    return f"{site.url}/api/v1/artifacts/{artifact_id}"


def withdraw(site: Site, client: httpx.Client, artifact_id: str) -> None:
    answer = client.post(
        f"/api/v1/artifacts/{artifact_id}/withdraw",
        json={"reason": "Withdrawn at the storyteller's request."},
        headers=site.headers("editor"),
    )
    assert answer.status_code == 200, answer.text


def notices(site: Site, client: httpx.Client, artifact_id: str) -> dict[str, Any]:
    answer = client.get(f"/api/v1/artifacts/{artifact_id}/notices", headers=site.headers("editor"))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def status(client: httpx.Client, artifact_id: str) -> int:
    return client.get(f"/api/v1/artifacts/{artifact_id}").status_code


def adapted(b: Site, cb: httpx.Client, source_url: str, place: str = "england") -> str:
    return str(adapt_remote(b, cb, source_url, place)["id"])


def history_types(site: Site, client: httpx.Client, artifact_id: str) -> list[str]:
    answer = client.get(
        f"/api/v1/artifacts/{artifact_id}/history?view=draft", headers=site.headers("editor")
    )
    assert answer.status_code == 200, answer.text
    return [h["type"] for h in answer.json()]


def test_a_withdrawal_reaches_every_generation_and_is_reviewed_there(
    tmp_path: Path, database: Database
) -> None:
    with (
        running_site(tmp_path / "a", database=database()) as a,
        running_site(tmp_path / "b", database=database()) as b,
        running_site(tmp_path / "c", database=database()) as c,
        a.client() as ca,
        b.client() as cb,
        c.client() as cc,
    ):
        origin = origin_story(a, ca)
        on_b = adapted(b, cb, api(a, origin))
        on_c = adapted(c, cc, api(b, on_b), "tucson")
        eventually(
            lambda: ca.get(f"/api/v1/artifacts/{origin}").json()["adaptations"]["count"] == 2
        )
        # Before anything is withdrawn, the tombstone has nothing to say about notices.
        withdraw(a, ca, origin)
        eventually(lambda: status(cb, on_b) == 410 and status(cc, on_c) == 410)

        seen_by_b = notices(b, cb, on_b)
        assert seen_by_b["status"] == "withdrawn"
        assert seen_by_b["withdrawal"]["category"] == "source-withdrawn"
        assert api(a, origin) in seen_by_b["withdrawal"]["note"]
        assert a.url in seen_by_b["withdrawal"]["note"]
        assert (
            "has been withdrawn by the site it came from"
            in (cb.get(f"/api/v1/artifacts/{on_b}").json()["detail"])
        )
        # C was told twice (by A, and by B when B withdrew its adaptation): recorded once.
        eventually(lambda: notices(b, cb, on_b)["sites"]["sent"] == 1)
        assert history_types(c, cc, on_c).count("Withdrawn") == 1

        told = eventually(lambda: (s := notices(a, ca, origin))["sites"]["sent"] == 2 and s)
        assert {n["site"] for n in told["notices"] if n["kind"] == "withdrawal"} == {b.url, c.url}
        assert all(
            n["state"] == "sent" and n["sent_at"]
            for n in told["notices"]
            if n["kind"] == "withdrawal"
        )
        page = ca.get(f"/artifacts/{origin}")
        assert page.status_code == 410
        assert "2 sites that adapted this work have been notified; 0 pending." in page.text
        assert cb.get(f"/api/v1/artifacts/{on_b}/notices").status_code == 401
        assert (
            cb.get(f"/api/v1/artifacts/{on_b}/notices", headers=b.headers("partner")).status_code
            == 403
        )

        # An editor of B reviews the adaptation and publishes it again.
        draft = cb.get(f"/api/v1/artifacts/{on_b}?view=draft", headers=b.headers("editor"))
        again = cb.post(
            f"/api/v1/artifacts/{on_b}/publish",
            headers=b.headers("editor", **{"If-Match": draft.headers["ETag"]}),
        )
        assert again.status_code == 200, again.text
        assert status(cb, on_b) == 200


def test_a_site_that_was_down_is_told_when_it_comes_back(
    tmp_path: Path, database: Database
) -> None:
    stores = {"a": database(), "b": database()}
    with running_site(tmp_path / "a", database=stores["a"]) as a, a.client() as ca:
        a_port = urlsplit(a.url).port
        origin = origin_story(a, ca)
        with running_site(tmp_path / "b", database=stores["b"]) as b, b.client() as cb:
            b_port = urlsplit(b.url).port
            on_b = adapted(b, cb, api(a, origin))
            eventually(
                lambda: ca.get(f"/api/v1/artifacts/{origin}").json()["adaptations"]["count"] == 1
            )
        # B is down (stopped; its data kept). A withdraws: the request succeeds at once.
        withdraw(a, ca, origin)
        waiting = eventually(
            lambda: [
                n
                for n in notices(a, ca, origin)["notices"]
                if n["kind"] == "withdrawal" and n["state"] == "pending" and n["attempts"] >= 2
            ]
        )[0]
        assert "connection failed" in waiting["reason"]
        assert waiting["next_attempt_at"] > waiting["created_at"]
        page = ca.get(f"/artifacts/{origin}")
        assert "0 sites that adapted this work have been notified; 1 pending." in page.text
    # A restarts too; both come back on their addresses, and the retry delivers the notice.
    with (
        running_site(tmp_path / "a", port=a_port or 0, database=stores["a"]) as a,
        running_site(tmp_path / "b", port=b_port or 0, database=stores["b"]) as b,
        a.client() as ca,
        b.client() as cb,
    ):
        eventually(lambda: status(cb, on_b) == 410)
        assert notices(b, cb, on_b)["withdrawal"]["category"] == "source-withdrawn"
        sent = eventually(lambda: (s := notices(a, ca, origin))["sites"]["sent"] == 1 and s)
        assert [n["attempts"] >= 3 for n in sent["notices"] if n["kind"] == "withdrawal"] == [True]


def signed(
    keys: Any, key_id: str, target: str, payload: dict[str, Any], notice_id: str
) -> tuple[bytes, dict[str, str]]:
    from datetime import UTC, datetime

    body = body_of(payload, notice_id)
    return body, sign_post(keys, key_id, target, body, datetime.now(UTC))


def test_forged_unsigned_and_repeated_notices(tmp_path: Path, database: Database) -> None:
    with (
        running_site(tmp_path / "a", database=database()) as a,
        running_site(tmp_path / "b", database=database()) as b,
        a.client() as ca,
        b.client() as cb,
    ):
        origin = origin_story(a, ca)
        on_b = adapted(b, cb, api(a, origin))
        eventually(lambda: ca.get(f"/api/v1/artifacts/{origin}").json()["adaptations"]["count"])
        target = api(b, on_b) + "/withdrawal-notices"
        payload = {
            "source": api(a, origin),
            "adaptation": api(b, on_b),
            "event": "withdrawn",
            "at": "2026-12-01T05:00:00+00:00",
        }
        a_keys = a.container.adaptations.withdrawals.keys
        key_id = a.url + WELL_KNOWN

        unsigned = cb.post(target, content=body_of(payload, "n-1"))
        assert unsigned.status_code == 403
        assert unsigned.headers["content-type"] == "application/problem+json"
        forger = load_site_keys(tmp_path / "forger")
        body, headers = signed(forger, key_id, target, payload, "n-2")
        forged = cb.post(target, content=body, headers=headers)
        assert forged.status_code == 403, forged.text
        assert "does not verify" in forged.json()["detail"]
        body, headers = signed(a_keys, key_id, target, payload, "n-3")
        tampered = cb.post(target, content=body.replace(b"n-3", b"n-4"), headers=headers)
        assert tampered.status_code == 403
        # Truly signed by A, but A's story is still published: B accepts the notice, and
        # its follower finds the source still there, so nothing is withdrawn (tried again).
        body, headers = signed(a_keys, key_id, target, payload, "n-5")
        premature = cb.post(target, content=body, headers=headers)
        assert premature.status_code == 202, premature.text
        waiting = eventually(
            lambda: [
                n
                for n in notices(b, cb, on_b)["notices"]
                if n["kind"] == "withdrawal-received" and n["attempts"] >= 1
            ]
        )[0]
        assert waiting["state"] == "pending"
        assert "still answers as a public, adaptable work" in waiting["reason"]
        assert status(cb, on_b) == 200
        assert "Withdrawn" not in history_types(b, cb, on_b)
        elsewhere = cb.post(
            api(b, on_b).replace(on_b, origin_story(b, cb)) + "/withdrawal-notices",
            content=body,
            headers=headers,
        )
        assert elsewhere.status_code == 403  # signed for another target

        withdraw(a, ca, origin)
        eventually(lambda: status(cb, on_b) == 410)
        sent = eventually(
            lambda: [n for n in notices(a, ca, origin)["notices"] if n["state"] == "sent"]
        )[0]
        # The same notice again, as a sender that crashed before recording "sent" sends it.
        body, headers = signed(a_keys, key_id, target, payload, sent["id"])
        repeated = cb.post(target, content=body, headers=headers)
        assert repeated.status_code == 200, repeated.text
        assert repeated.json()["recorded"] is False
        # The premature notice, retried by B's follower, now finds nothing left to do.
        eventually(
            lambda: all(
                n["state"] == "sent"
                for n in notices(b, cb, on_b)["notices"]
                if n["kind"] == "withdrawal-received"
            )
        )
        # Still recorded once after an editor publishes the adaptation again.
        draft = cb.get(f"/api/v1/artifacts/{on_b}?view=draft", headers=b.headers("editor"))
        cb.post(
            f"/api/v1/artifacts/{on_b}/publish",
            headers=b.headers("editor", **{"If-Match": draft.headers["ETag"]}),
        )
        body, headers = signed(a_keys, key_id, target, payload, sent["id"])
        assert cb.post(target, content=body, headers=headers).json()["recorded"] is False
        assert status(cb, on_b) == 200
        assert history_types(b, cb, on_b).count("Withdrawn") == 1
        site = ca.get(WELL_KNOWN).json()
        assert site["public_key"] == {"alg": "ed25519", "key": a_keys.public_key}


def test_an_adaptation_published_after_its_source_was_withdrawn_is_hidden_too(
    tmp_path: Path, database: Database
) -> None:
    with (
        running_site(tmp_path / "a", database=database()) as a,
        running_site(tmp_path / "b", database=database()) as b,
        a.client() as ca,
        b.client() as cb,
    ):
        origin = origin_story(a, ca)
        on_b, etag = draft_from(b, cb, api(a, origin))
        withdraw(a, ca, origin)  # A knows of no adaptation yet: it sends no notice
        published = cb.post(
            f"/api/v1/artifacts/{on_b}/publish",
            headers=b.headers("editor", **{"If-Match": etag}),
        )
        assert published.status_code == 200, published.text
        # B's adaptation notice is refused (404); B then finds A's story gone (410).
        eventually(lambda: status(cb, on_b) == 410)
        withdrawal = notices(b, cb, on_b)["withdrawal"]
        assert withdrawal["category"] == "source-withdrawn"
        assert api(a, origin) in withdrawal["note"]
        told = [e for e in outbox_entries(b, cb, api(a, origin)) if e["kind"] == "adaptation"]
        assert told[0]["state"] == "sent"
        assert "The source is gone" in told[0]["note"]
