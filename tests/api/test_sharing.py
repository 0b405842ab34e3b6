"""Sharing: lineage links lead readers to web pages, packages carry their images,
feeds point at absolute addresses."""

from __future__ import annotations

import re
from typing import Any

from infra.bootstrap import Container
from infra.syndication.adaptations import _graph_node, remote_ancestry
from infra.syndication.lineage import page_of
from services.indexer.outbox import sender_for
from tests.api.test_adaptations import adapt, published
from tests.conftest import Api

HREF = re.compile(r'href="([^"]+)"')


def lineage_hrefs(html: str) -> list[str]:
    section = html.split('id="lineage-title"', 1)[1].split("</section>", 1)[0]
    return HREF.findall(section)


def test_lineage_on_the_page_links_web_pages_not_json(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    origin = published(api, ready_story)
    draft = adapt(api, {"artifact_id": origin})
    adaptation = draft.json()["id"]
    noted = api.client.patch(
        f"/api/v1/artifacts/{adaptation}",
        json={"adaptation_note": "Set in a Nottingham primary."},
        headers=api.as_("other-partner", **{"If-Match": draft.headers["ETag"]}),
    )
    done = api.client.post(
        f"/api/v1/artifacts/{adaptation}/publish",
        headers=api.as_("editor", **{"If-Match": noted.headers["ETag"]}),
    )
    assert done.status_code == 200, done.text
    base = container.records.base
    adapted_page = api.client.get(f"/artifacts/{adaptation}").text
    assert lineage_hrefs(adapted_page) == [f"{base}/artifacts/{origin}"]
    sender_for(container).catch_up()  # the outbox tells the source about its adaptation
    origin_page = api.client.get(f"/artifacts/{origin}").text
    assert lineage_hrefs(origin_page) == [f"{base}/artifacts/{adaptation}"]
    graph = api.client.get(f"/api/v1/artifacts/{adaptation}/lineage").json()
    by_page = {n["page"]: n["url"] for n in graph["nodes"]}
    assert by_page[f"{base}/artifacts/{origin}"] == f"{base}/api/v1/artifacts/{origin}"
    jsonld = api.client.get(f"/api/v1/artifacts/{adaptation}/jsonld").json()
    assert jsonld["isBasedOn"]["url"] == f"{base}/artifacts/{origin}"


def test_remote_nodes_use_the_page_their_site_names() -> None:
    ancestry = remote_ancestry(
        {
            "@id": "https://other.example/api/v1/artifacts/0b0c6a54-6d3c-4a53-9f7f-5b8b8e0f7a11",
            "url": "https://other.example/stories/circles",
            "name": "Circles",
            "isBasedOn": {"@id": "https://third.example/api/v1/artifacts/abc", "name": "Root"},
        }
    )
    assert [page_of(n) for n in ancestry] == [
        "https://other.example/stories/circles",
        "https://third.example/artifacts/abc",
    ]
    node = _graph_node(ancestry[0], ancestry[0]["uri"], -1)
    assert node["page"] == "https://other.example/stories/circles"
    assert node["url"] == ancestry[0]["uri"]
    # A page that is not a web address is not linked; a non-Commonplace id gives none.
    assert page_of({"page": "javascript:alert(1)", "uri": "https://x.example/a"}) is None
    assert page_of({"uri": "https://x.example/api/v1/artifacts/7"}) == "https://x.example/artifacts/7"
