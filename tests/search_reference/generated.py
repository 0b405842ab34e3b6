"""Search documents generated directly (not through the event store), for comparing the
two FTS5 designs and for timing the index on its own.

The documents have the shape ``services.indexer.documents`` builds: text drawn from the
benchmark's word list on a Zipf curve plus made-up rare words, a place in a four-level
tree (country, region, city, school) with coordinates, 1-3 principles and 0-4 other
framework terms (broader terms added to ``term_filter``), kind, year, convening,
licence and 10% members-only. Everything comes from one seeded ``random.Random``.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from typing import Any

from domain.vocabularies import seeded_frameworks
from tests.benchmarks.corpus import real_words

KINDS = ("story", "presentation-of-learning", "excursion-synthesis")
LICENCES = (
    "https://creativecommons.org/licenses/by/4.0/",
    "https://creativecommons.org/licenses/by-sa/4.0/",
    "https://creativecommons.org/licenses/by-nc/4.0/",
)


def place_tree(rng: random.Random) -> list[tuple[list[str], list[str], float, float]]:
    """Schools: (slug path, name path, lat, lon)."""
    schools = []
    for c in range(4):
        country_lat, country_lon = rng.uniform(-40, 60), rng.uniform(-120, 120)
        for r in range(6):
            region_lat = country_lat + rng.uniform(-4, 4)
            region_lon = country_lon + rng.uniform(-4, 4)
            for t in range(5):
                city_lat = region_lat + rng.uniform(-1, 1)
                city_lon = region_lon + rng.uniform(-1, 1)
                for s in range(12):
                    slugs = [f"c{c}", f"c{c}-r{r}", f"c{c}-r{r}-t{t}", f"c{c}-r{r}-t{t}-s{s}"]
                    names = [f"Country {c}", f"Region {c}{r}", f"Town {c}{r}{t}",
                             f"School {c}{r}{t}{s}"]  # fmt: skip
                    schools.append((slugs, names, city_lat + rng.uniform(-0.05, 0.05),
                                    city_lon + rng.uniform(-0.05, 0.05)))  # fmt: skip
    return schools


class Generator:
    def __init__(self, seed: int = 7) -> None:
        self.rng = rng = random.Random(seed)
        self.words = real_words()
        self.weights = list(itertools.accumulate(1 / (i + 1) for i in range(len(self.words))))
        self.rare = ["".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou")
                             for _ in range(rng.randint(2, 4))) for _ in range(3000)]  # fmt: skip
        self.schools = place_tree(rng)
        frameworks = {f["id"]: f for f in seeded_frameworks()}
        self.principles = [f"principles:{t['id']}" for t in frameworks["principles"]["terms"]]
        self.others: list[str] = []
        self.parents: dict[str, str] = {}
        for fid in ("conditions", "network-features"):
            for term in frameworks[fid]["terms"]:
                self.others.append(f"{fid}:{term['id']}")
                if term.get("parent"):
                    self.parents[f"{fid}:{term['id']}"] = f"{fid}:{term['parent']}"

    def text(self, n: int) -> str:
        rng = self.rng
        picked = rng.choices(self.words, cum_weights=self.weights, k=n)
        for i in range(n):
            if rng.random() < 0.03:
                picked[i] = rng.choice(self.rare)
        return " ".join(picked)

    def document(self, number: int) -> dict[str, Any]:
        rng = self.rng
        slugs, names, lat, lon = self.schools[int(rng.paretovariate(1.2) * 7) % len(self.schools)]
        terms = rng.sample(self.principles, rng.randint(1, 3)) + rng.sample(
            self.others, rng.randint(0, 4)
        )
        broader = [self.parents[t] for t in terms if t in self.parents]
        expanded = list(dict.fromkeys(terms + broader))
        year = rng.choice(range(2015, 2026))
        kind = rng.choices(KINDS, (60, 25, 15))[0]
        convening = f"convening-{year}" if kind != "story" and rng.random() < 0.6 else None
        return {
            "id": f"doc-{number:07d}",
            "kind": kind,
            "title": self.text(rng.randint(4, 12)).capitalize(),
            "summary": self.text(rng.randint(8, 30)).capitalize() + ".",
            "body": self.text(int(rng.triangular(150, 800, 350))),
            "language": "en",
            "licence": rng.choice(LICENCES),
            "members_only": rng.random() < 0.1,
            "terms": terms,
            "term_filter": expanded,
            "stage": None,
            "place": slugs[-1],
            "place_path": slugs,
            "place_names": names,
            "contributors": [f"{rng.choice(self.rare).capitalize()} {rng.choice(self.rare)}"
                             for _ in range(rng.randint(1, 3))],
            "themes": rng.sample(("belonging", "agency", "feedback", "equity", "voice"),
                                 rng.randint(1, 3)),
            "convening": convening,
            "excursion": f"{convening}-x{rng.randint(1, 5)}" if convening else None,
            "date": f"{year}-03-01",
            "year": year,
            "published_at": 1.42e9 + (year - 2015) * 3.15e7 + rng.randrange(30_000_000),
            "version": 2,
            "media": [],
            "_geo": {"lat": lat, "lng": lon} if rng.random() < 0.95 else None,
        }


def documents(n: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    generator = Generator(seed)
    for number in range(n):
        yield generator.document(number)
