"""Work imported with its own publication date shows that date; when it entered this
archive stays in its history."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import feedparser
import pytest

from domain.errors import InvalidInput
from infra.bootstrap import Container
from infra.demo import DEMO_PARTNER, load_demo
from services.api.web.templating import human_date
from tests.api.test_syndication import catch_up
from tests.conftest import Api

FRAMEWORK_STORY = "Seven schools, one conversation about assessment"


def demo_story(api: Api, container: Container) -> str:
    load_demo(container.archive)
    catch_up(container)
    hits = api.client.get("/api/v1/search", params={"q": "Seven schools"}).json()["hits"]
    return str(next(h["id"] for h in hits if h["title"] == FRAMEWORK_STORY))


def meta_dates(html: str) -> dict[str, str]:
    meta = html.split('<p class="meta">', 1)[1].split("</p>", 1)[0]
    found = re.findall(r'<span>([A-Z][a-z ]+) <time datetime="([^"]+)">', meta)
    return {label: when for label, when in found}


def test_imported_work_shows_its_own_first_publication(
    api: Api, container: Container
) -> None:
    story = demo_story(api, container)
    today = datetime.now(UTC).date().isoformat()
    page = api.client.get(f"/artifacts/{story}").text
    dates = meta_dates(page)
    assert dates["First published"] == "2017-09-18"
    assert dates["Added to this archive"].startswith(today)
    assert "First published <time datetime=\"2017-09-18\">18 September 2017</time>" in page
    script = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(script)["datePublished"] == "2017-09-18"
    jsonld = api.client.get(f"/api/v1/artifacts/{story}/jsonld").json()
    assert jsonld["datePublished"] == "2017-09-18"
    assert jsonld["dateModified"].startswith(today)
    history = api.client.get(f"/artifacts/{story}/history").text
    assert human_date(today) in history and "2017-09-18" not in history
    [item] = [i for i in api.client.get("/feeds/json").json()["items"] if story in i["id"]]
    assert item["date_published"].startswith("2017-09-18")
    assert item["date_modified"].startswith(today)
    atom = feedparser.parse(api.client.get("/feeds/atom").content)
    [entry] = [e for e in atom.entries if story in e.id]
    assert entry.published.startswith("2017-09-18")
    host = container.settings.base_url.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]
    oai = api.client.get(
        "/oai",
        params={
            "verb": "GetRecord",
            "identifier": f"oai:{host}:{story}",
            "metadataPrefix": "commonplace",
        },
    ).text
    assert "<cp:firstPublished>2017-09-18T00:00:00Z</cp:firstPublished>" in oai, oai[:2000]


def test_work_first_published_here_shows_when_it_was(
    api: Api, ready_story: dict[str, Any]
) -> None:
    created = api.client.post(
        "/api/v1/artifacts", json={"kind": "story", **ready_story}, headers=api.as_("partner")
    )
    artifact_id = created.json()["id"]
    api.client.post(
        f"/api/v1/artifacts/{artifact_id}/publish",
        headers=api.as_("editor", **{"If-Match": created.headers["ETag"]}),
    )
    dates = meta_dates(api.client.get(f"/artifacts/{artifact_id}").text)
    assert list(dates) == ["Took place", "First published"]
    assert dates["First published"].startswith(datetime.now(UTC).date().isoformat())


@pytest.mark.parametrize(
    "value",
    ["2017-13-01", "last spring", (datetime.now(UTC) + timedelta(days=2)).date().isoformat()],
)
def test_first_published_must_be_a_past_date(
    container: Container, ready_story: dict[str, Any], value: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        container.archive.artifacts.create(
            DEMO_PARTNER, "story", {**ready_story, "first_published": value}
        )
    assert refused.value.extra["field"] == "first_published"
    made = container.archive.artifacts.create(
        DEMO_PARTNER, "story", {**ready_story, "first_published": "2017-07-12"}
    )
    draft = container.archive.artifacts.load(UUID(made.id))
    assert draft.content["first_published"] == "2017-07-12"


def test_a_store_loaded_with_an_older_demo_edition_loads_the_rest(
    container: Container,
) -> None:
    """A data folder loaded before the demo carried dates: loading again adds nothing
    to what is there (the same idempotency key, different content) and no error."""
    from infra.demo import demo_data

    [first, *_] = [a for a in demo_data()["artifacts"] if a.get("first_published")]
    older = {k: first[k] for k in ("title", "body", "licence") if first.get(k)}
    made = container.archive.artifacts.create(
        DEMO_PARTNER, first["kind"], older, idempotency_key=f"demo:{first['key']}"
    )
    counts = load_demo(container.archive)
    assert counts["artifacts"] == len(demo_data()["artifacts"])
    assert container.archive.artifacts.load(UUID(made.id)).content["first_published"] is None


def test_the_api_takes_and_shows_an_original_publication_date(
    api: Api, ready_story: dict[str, Any]
) -> None:
    sent = {"kind": "story", **ready_story, "first_published": "2017-07-12"}
    created = api.client.post("/api/v1/artifacts", json=sent, headers=api.as_("partner"))
    assert created.status_code == 201, created.text
    assert created.json()["first_published"] == "2017-07-12"
    future = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    refused = api.client.post(
        "/api/v1/artifacts", json={**sent, "first_published": future}, headers=api.as_("partner")
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
