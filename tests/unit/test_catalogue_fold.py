"""The indexer's own catalogue: a fold of catalogue events that says what each one touched."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from domain.catalogue import Catalogued, Convening, Framework, Place, event_topic
from services.indexer.catalogue import CatalogueProjection, Touched

REGISTERED = event_topic(Place, "Registered")
DEFINED = event_topic(Framework, "Defined")
SCHEDULED = event_topic(Convening, "Scheduled")
UPDATED = event_topic(Catalogued, "Updated")


def place(slug: str, parent: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(
        originator_id=f"id-{slug}", slug=slug, name=slug.title(), kind="city",
        parent=parent, lat=None, lon=None,
    )  # fmt: skip


def updated(slug: str, **changes: Any) -> SimpleNamespace:
    return SimpleNamespace(originator_id=f"id-{slug}", changes=changes)


def framework(terms: list[dict[str, Any]]) -> SimpleNamespace:
    return SimpleNamespace(originator_id="id-conditions", slug="conditions", name="C", terms=terms)


def gazetteer() -> CatalogueProjection:
    fold = CatalogueProjection()
    for position, (slug, parent) in enumerate(
        [("us", None), ("az", "us"), ("tucson", "az"), ("uk", None)], start=1
    ):
        fold.fold(REGISTERED, position, place(slug, parent))
    return fold


def test_a_rename_touches_the_place_and_everything_inside_it() -> None:
    fold = gazetteer()
    touched = fold.fold(UPDATED, 5, updated("az", name="Arizona"))
    assert touched.places == {"az", "tucson"}
    assert [p.name for p in fold.state.place_chain("tucson")] == ["Us", "Arizona", "Tucson"]


def test_a_move_changes_the_chain_and_an_unchanged_update_touches_nothing() -> None:
    fold = gazetteer()
    assert fold.fold(UPDATED, 5, updated("az", parent="uk")).places == {"az", "tucson"}
    assert [p.slug for p in fold.state.place_chain("tucson")] == ["uk", "az", "tucson"]
    assert not fold.fold(UPDATED, 6, updated("az", parent="uk"))
    assert not fold.fold(UPDATED, 7, updated("nowhere", name="X")), "an unknown record"


def test_a_place_registered_after_a_place_inside_it_touches_both() -> None:
    fold = CatalogueProjection()
    assert fold.fold(REGISTERED, 1, place("tucson", "az")).places == {"tucson"}
    assert fold.fold(REGISTERED, 2, place("az", "us")).places == {"az", "tucson"}
    assert fold.fold(REGISTERED, 3, place("us")).places == {"us", "az", "tucson"}
    assert fold.fold(REGISTERED, 4, place("phoenix", "az")).places == {"phoenix"}


def test_an_event_already_folded_in_is_not_folded_again() -> None:
    fold = gazetteer()
    assert not fold.fold(UPDATED, 4, updated("az", name="Again"))
    assert fold.state.places["az"].name == "Az"


def test_a_framework_edit_touches_only_the_terms_that_changed() -> None:
    fold = CatalogueProjection()
    terms = [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}, {"id": "c", "label": "C"}]
    assert fold.fold(DEFINED, 1, framework(terms)).terms == {
        "conditions:a", "conditions:b", "conditions:c"
    }  # fmt: skip
    edited = [{"id": "a", "label": "A2"}, {"id": "b", "label": "B", "parent": "c"}]
    touched = fold.fold(UPDATED, 2, updated("conditions", terms=edited))
    assert touched == Touched(terms={"conditions:a", "conditions:b", "conditions:c"})
    assert fold.state.terms["conditions:b"].parent == "conditions:c"
    assert "conditions:c" not in fold.state.terms
    assert not fold.fold(UPDATED, 3, updated("conditions", terms=edited))


def test_a_retitled_convening_touches_its_reference() -> None:
    fold = CatalogueProjection()
    scheduled = SimpleNamespace(originator_id="id-meet", slug="meet", title="Meet")
    fold.fold(SCHEDULED, 1, scheduled)
    assert fold.fold(UPDATED, 2, updated("meet", title="Gathering")).refs() == {"convening:meet"}
    assert fold.state.title("convenings", "meet") == "Gathering"
    assert not fold.fold(UPDATED, 3, updated("meet", summary="s"))
