"""Language versions on the pages: "Also in" on both pages, links only to readable
versions, hreflang alternates in the head, and the notice on an outdated translation."""

from __future__ import annotations

import re
from uuid import UUID

from infra.demo import DEMO_EDITOR, DEMO_PARTNER
from tests.web.conftest import Demo

ENGLISH = "When Isabel ran the conference"
SPANISH = "Cuando Isabel dirigió la conferencia"


def alternates(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def test_both_versions_link_each_other_with_hreflang(demo: Demo) -> None:
    english, spanish = demo.id_of(ENGLISH), demo.id_of(SPANISH)
    page = demo.client().get(f"/artifacts/{spanish}").text
    assert "Also in:" in page
    assert f'<a href="/artifacts/{english}" hreflang="en" lang="en">English</a>' in page
    assert alternates(page) == {
        "es": f"https://testserver/artifacts/{spanish}",
        "en": f"https://testserver/artifacts/{english}",
    }
    page = demo.client().get(f"/artifacts/{english}", headers={"Accept-Language": "es"}).text
    assert "También en:" in page
    assert f'<a href="/artifacts/{spanish}" hreflang="es" lang="es">Español</a>' in page
    assert set(alternates(page)) == {"en", "es"}
    # A single-language artifact offers no other versions.
    alone = demo.client().get(f"/artifacts/{demo.id_of('Standardised scores as a second opinion')}")
    assert alone.status_code == 200
    assert "Also in:" not in alone.text and not alternates(alone.text)


def test_a_version_readers_may_not_see_is_not_linked(demo: Demo) -> None:
    archive = demo.container.archive
    english = demo.id_of("Five questions any family can ask")
    spanish = demo.id_of("Cinco preguntas que cualquier familia puede hacer")
    current = archive.artifacts.load(UUID(spanish))
    archive.artifacts.withdraw(DEMO_EDITOR, current.id, "Checking links.", current.version)
    demo.index()  # the page's JSON-LD comes from the publications read model
    page = demo.client().get(f"/artifacts/{english}").text
    assert f"/artifacts/{spanish}" not in page and "Also in:" not in page


def test_an_outdated_translation_says_so_until_revised(demo: Demo) -> None:
    archive = demo.container.archive
    english, spanish = UUID(demo.id_of(ENGLISH)), UUID(demo.id_of(SPANISH))
    notice = "This translation may be out of date"
    assert notice not in demo.client().get(f"/artifacts/{spanish}").text
    version = archive.artifacts.load(english).version
    version = archive.artifacts.revise(
        DEMO_PARTNER, english, version, {"summary": "Seventh graders led their conferences."}
    ).version
    archive.artifacts.publish(DEMO_EDITOR, english, version)
    page = demo.client().get(f"/artifacts/{spanish}").text
    assert notice in page and f'<a href="/artifacts/{english}" hreflang="en">' in page
    spanish_page = demo.client().get(f"/artifacts/{spanish}", headers={"Accept-Language": "es"})
    assert "Puede que esta traducción no esté al día" in spanish_page.text
    assert notice not in demo.client().get(f"/artifacts/{english}").text
    version = archive.artifacts.load(spanish).version
    archive.artifacts.revise(DEMO_PARTNER, spanish, version, {"summary": "Revisado."})
    assert notice not in demo.client().get(f"/artifacts/{spanish}").text
