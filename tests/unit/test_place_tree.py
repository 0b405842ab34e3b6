"""The walk up and down the tree of places shared by the catalogue cache and the indexer."""

from __future__ import annotations

from dataclasses import dataclass

from domain import place_tree


@dataclass(frozen=True)
class Spot:
    slug: str
    parent: str | None


def _places(*pairs: tuple[str, str | None]) -> dict[str, Spot]:
    return {slug: Spot(slug, parent) for slug, parent in pairs}


def test_ancestors_run_from_the_outermost_place_down_and_leave_out_the_place() -> None:
    places = _places(("earth", None), ("usa", "earth"), ("tucson", "usa"))
    assert [p.slug for p in place_tree.ancestors(places.get, "tucson")] == ["earth", "usa"]
    assert place_tree.ancestors(places.get, "earth") == []
    assert place_tree.ancestors(places.get, "nowhere") == []


def test_ancestors_stop_at_a_missing_parent_and_at_the_depth_limit() -> None:
    assert place_tree.ancestors(_places(("a", "gone")).get, "a") == []
    loop = _places(("a", "b"), ("b", "a"))
    assert len(place_tree.ancestors(loop.get, "a")) == place_tree.MAX_DEPTH


def test_within_finds_every_place_inside_at_any_depth_and_survives_a_loop() -> None:
    places = _places(("usa", None), ("az", "usa"), ("tucson", "az"), ("uk", None), ("x", "y"))
    assert place_tree.within("usa", places.values()) == {"usa", "az", "tucson"}
    assert place_tree.within("tucson", places.values()) == {"tucson"}
    loop = _places(("a", "b"), ("b", "a"))
    assert place_tree.within("a", loop.values()) == {"a", "b"}
