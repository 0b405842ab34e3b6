"""A synthetic corpus for the search benchmarks, written through the real domain.

    python -m tests.benchmarks.corpus --artifacts 100000 --data-dir /tmp/corpus
    python -m tests.benchmarks.corpus --artifacts 20000 --data-dir /tmp/pg \\
        --postgres-url postgresql://postgres@127.0.0.1:5432/test --schema cp_corpus

It seeds the frameworks (``infra.bootstrap.seed_frameworks``), registers a gazetteer of a
few thousand places with ``archive.catalogue.register_place`` (countries, regions, cities,
districts or trusts, schools and organisations, with coordinates spread around real
centres), schedules a convening a year with its learning excursions, and then writes N
published artifacts of the three kinds. Each artifact is an ``Artifact`` aggregate
created and published directly (``Created`` and ``Published`` events, as the
Archive's commands would record them) and saved 500 aggregates per ``archive.save``,
that is one transaction per batch. Finally the publications read model (which the indexer
keeps for OAI-PMH and the change feed) is brought up to the head, as it would be in a
running archive; see ``catch_up_publications``. Text comes from a Zipf-ranked list of about 1,900
real words (``corpus_words.txt``), a long tail of rarer made-up words standing in for
names and jargon, and stock phrases of the field. Everything is drawn from one seeded
``random.Random``, so the same N and seed give the same archive (event timestamps
aside). ``GENERATOR_VERSION`` names this recipe: change it whenever the output changes,
so that cached corpora are not reused by mistake.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import json
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.access import SYSTEM
from domain.application import Archive
from domain.artifact import Artifact
from domain.values import LICENCES
from domain.vocabularies import seeded_frameworks
from infra.bootstrap import Container, seed_frameworks

GENERATOR_VERSION = 2
DEFAULT_SEED = 20230216
BATCH = 500  # aggregates per archive.save (one transaction)
YEARS = range(2015, 2026)
WORDS_FILE = Path(__file__).with_name("corpus_words.txt")
ROOT = Path(__file__).resolve().parents[2]
# What a stored corpus depends on besides this module (whose output GENERATOR_VERSION names):
# a cached corpus is reused only while these files are unchanged, so a change to the events,
# the vocabularies or the publications read model regenerates it.
FINGERPRINTED = ("tests/benchmarks/corpus_words.txt",
                 "domain/artifact.py", "domain/catalogue.py", "domain/vocabularies/*.json",
                 "infra/readmodel/publications.py", "services/indexer/publications.py")  # fmt: skip


def fingerprint() -> str:
    digest = hashlib.sha256()
    for pattern in FINGERPRINTED:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


# -- the gazetteer ------------------------------------------------------------------

# (slug, name, lat, lon, spread in degrees for towns around the centre, real cities)
# Real cities are (name, lat, lon); made-up towns are added around the region's centre.
COUNTRIES: dict[str, tuple[str, float, float, str, list[tuple[Any, ...]]]] = {
    "us": ("United States", 39.8, -98.6, "district", [
        ("arizona", "Arizona", 34.3, -111.7, 1.6, [("Tucson", 32.22, -110.97),
                                                    ("Phoenix", 33.45, -112.07)]),
        ("california", "California", 37.2, -119.5, 2.2, [("Oakland", 37.80, -122.27),
                                                          ("Fresno", 36.74, -119.79)]),
        ("colorado", "Colorado", 39.0, -105.5, 1.2, [("Denver", 39.74, -104.99),
                                                      ("Pueblo", 38.25, -104.61)]),
        ("texas", "Texas", 31.0, -99.0, 2.5, [("San Antonio", 29.42, -98.49),
                                               ("El Paso", 31.76, -106.49)]),
        ("new-mexico", "New Mexico", 34.4, -106.1, 1.3, [("Albuquerque", 35.08, -106.65),
                                                          ("Las Cruces", 32.32, -106.76)]),
        ("washington", "Washington", 47.4, -120.5, 1.4, [("Tacoma", 47.25, -122.44),
                                                          ("Spokane", 47.66, -117.43)]),
        ("oregon", "Oregon", 43.9, -120.6, 1.4, [("Portland", 45.52, -122.68),
                                                  ("Eugene", 44.05, -123.09)]),
        ("illinois", "Illinois", 40.0, -89.2, 1.2, [("Chicago", 41.88, -87.63),
                                                     ("Peoria", 40.69, -89.59)]),
        ("michigan", "Michigan", 44.3, -85.4, 1.3, [("Detroit", 42.33, -83.05),
                                                     ("Grand Rapids", 42.96, -85.66)]),
        ("ohio", "Ohio", 40.3, -82.8, 1.0, [("Cleveland", 41.50, -81.69),
                                             ("Dayton", 39.76, -84.19)]),
        ("new-york", "New York", 42.9, -75.5, 1.3, [("Rochester", 43.16, -77.61),
                                                     ("Yonkers", 40.93, -73.90)]),
        ("massachusetts", "Massachusetts", 42.3, -71.8, 0.5, [("Worcester", 42.26, -71.80),
                                                               ("Lowell", 42.64, -71.32)]),
        ("pennsylvania", "Pennsylvania", 40.9, -77.8, 1.2, [("Pittsburgh", 40.44, -79.99),
                                                             ("Allentown", 40.60, -75.49)]),
        ("georgia", "Georgia", 32.7, -83.4, 1.2, [("Atlanta", 33.75, -84.39),
                                                   ("Savannah", 32.08, -81.09)]),
        ("north-carolina", "North Carolina", 35.5, -79.4, 1.3, [("Durham", 35.99, -78.90),
                                                                 ("Asheville", 35.60, -82.55)]),
        ("virginia", "Virginia", 37.5, -78.8, 1.1, [("Richmond", 37.54, -77.44),
                                                     ("Roanoke", 37.27, -79.94)]),
        ("minnesota", "Minnesota", 46.3, -94.3, 1.4, [("Minneapolis", 44.98, -93.27),
                                                       ("Duluth", 46.79, -92.10)]),
        ("hawaii", "Hawaii", 20.8, -156.3, 0.8, [("Honolulu", 21.31, -157.86),
                                                  ("Hilo", 19.71, -155.09)]),
        ("kentucky", "Kentucky", 37.5, -85.3, 1.1, [("Louisville", 38.25, -85.76),
                                                     ("Lexington", 38.04, -84.50)]),
        ("new-hampshire", "New Hampshire", 43.7, -71.6, 0.5, [("Manchester NH", 42.99, -71.46),
                                                               ("Concord", 43.21, -71.54)]),
    ]),
    "canada": ("Canada", 56.1, -106.3, "district", [
        ("british-columbia", "British Columbia", 53.7, -127.6, 2.0,
         [("Vancouver", 49.28, -123.12), ("Kamloops", 50.67, -120.33)]),
        ("alberta", "Alberta", 55.0, -115.0, 1.8, [("Calgary", 51.05, -114.07),
                                                    ("Edmonton", 53.55, -113.49)]),
        ("ontario", "Ontario", 50.0, -85.0, 2.5, [("Toronto", 43.65, -79.38),
                                                   ("Thunder Bay", 48.38, -89.25)]),
        ("quebec", "Quebec", 52.9, -73.5, 2.5, [("Montreal", 45.50, -73.57),
                                                 ("Sherbrooke", 45.40, -71.89)]),
        ("nova-scotia", "Nova Scotia", 45.0, -63.0, 0.7, [("Halifax", 44.65, -63.58),
                                                           ("Sydney NS", 46.14, -60.19)]),
    ]),
    "united-kingdom": ("United Kingdom", 54.0, -2.5, "trust", [
        ("england", "England", 52.4, -1.5, 1.2, [("Nottingham", 52.95, -1.15),
                                                  ("Bristol", 51.45, -2.59)]),
        ("scotland", "Scotland", 56.8, -4.2, 0.9, [("Glasgow", 55.86, -4.25),
                                                    ("Dundee", 56.46, -2.97)]),
        ("wales", "Wales", 52.3, -3.7, 0.5, [("Cardiff", 51.48, -3.18),
                                              ("Swansea", 51.62, -3.94)]),
        ("northern-ireland", "Northern Ireland", 54.6, -6.7, 0.4,
         [("Belfast", 54.60, -5.93), ("Derry", 55.00, -7.31)]),
    ]),
    "australia": ("Australia", -25.3, 133.8, "district", [
        ("new-south-wales", "New South Wales", -32.0, 147.0, 2.0,
         [("Sydney", -33.87, 151.21), ("Newcastle NSW", -32.93, 151.78)]),
        ("victoria-au", "Victoria", -37.0, 144.3, 1.2, [("Melbourne", -37.81, 144.96),
                                                         ("Geelong", -38.15, 144.36)]),
        ("queensland", "Queensland", -22.5, 144.5, 3.0, [("Brisbane", -27.47, 153.03),
                                                          ("Cairns", -16.92, 145.77)]),
        ("western-australia", "Western Australia", -26.0, 121.0, 3.0,
         [("Perth", -31.95, 115.86), ("Broome", -17.96, 122.24)]),
        ("south-australia", "South Australia", -30.0, 135.8, 2.0,
         [("Adelaide", -34.93, 138.60), ("Port Augusta", -32.49, 137.77)]),
    ]),
    "new-zealand": ("New Zealand", -41.3, 174.0, "district", [
        ("auckland-region", "Auckland", -36.9, 174.8, 0.4, [("Auckland", -36.85, 174.76),
                                                             ("Manukau", -36.99, 174.88)]),
        ("wellington-region", "Wellington", -41.1, 175.4, 0.4,
         [("Wellington", -41.29, 174.78), ("Porirua", -41.13, 174.84)]),
        ("canterbury-nz", "Canterbury", -43.5, 171.2, 0.8, [("Christchurch", -43.53, 172.64),
                                                             ("Timaru", -44.40, 171.25)]),
    ]),
    "mexico": ("Mexico", 23.6, -102.5, "district", [
        ("sonora", "Sonora", 29.3, -110.3, 1.5, [("Hermosillo", 29.07, -110.96),
                                                  ("Nogales", 31.31, -110.94)]),
        ("chihuahua", "Chihuahua", 28.6, -106.1, 1.5, [("Ciudad Juarez", 31.69, -106.42),
                                                        ("Chihuahua City", 28.63, -106.07)]),
        ("jalisco", "Jalisco", 20.6, -103.4, 1.0, [("Guadalajara", 20.66, -103.35),
                                                    ("Puerto Vallarta", 20.65, -105.23)]),
    ]),
}  # fmt: skip


def names(text: str) -> list[str]:
    return text.split()


TOWN_FIRST = names(
    "Cedar Oak Pine Maple Willow Birch Aspen Juniper Cotton Elm Ash Hazel Alder Rowan "
    "Red White Black Green Silver Stone Iron Copper Clear Cold Long High Fair Glen Mill "
    "Bridge Spring Lake River Brook Marsh Meadow Sandy Rock Hill Eagle Hawk Fox Deer Elk "
    "Bear Wolf Crane Heron Sun Moon Star North South East West New Old King Queen"
)
TOWN_LAST = names(
    "ville ton field ford wood dale vale port mouth bury ridge view crest haven burg "
    "water falls creek springs grove park land stead wick borough side mont"
)
SURNAMES = names(
    "Lopez Garcia Martinez Nguyen Kim Patel Okafor Mensah Adeyemi Haddad Tanaka Chen "
    "Rivera Torres Flores Ramirez Walker Harris Clark Lewis Robinson Young King Wright "
    "Hill Scott Green Baker Adams Nelson Carter Mitchell Roberts Turner Phillips Campbell "
    "Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper Reed "
    "Bailey Bell Murray Brooks Kelly Sanders Price Bennett Wood Barnes Ross Henderson "
    "Jenkins Perry Powell Long Patterson Hughes Washington Butler Simmons Foster Bryant "
    "Alexander Russell Griffin Diaz Hayes Myers Ford Hamilton Graham Sullivan Wallace "
    "Woods Cole West Jordan Owens Reynolds Fisher Ellis Harrison Gibson McDonald Cruz "
    "Marshall Ortiz Gomez Murray Freeman Wells Webb Simpson Stevens Tucker Porter Hunter "
    "Hicks Crawford Henry Boyd Mason Morales Kennedy Warren Dixon Ramos Reyes Burns Gordon "
    "Shaw Holmes Rice Robertson Hunt Black Daniels Palmer Mills Nichols Grant Knight "
    "Ferguson Rose Stone Hawkins Dunn Perkins Hudson Spencer Gardner Stephens Payne "
    "Pierce Berry Matthews Arnold Wagner Willis Ray Watkins Olson Carroll Duncan Snyder "
    "Hart Cunningham Bradley Lane Andrews Ruiz Harper Fox Riley Armstrong Carpenter "
    "Weaver Greene Lawrence Elliott Chavez Sims Austin Peters Kelley Franklin Lawson "
    "Fields Gutierrez Ryan Schmidt Carr Vasquez Castillo Wheeler Chapman Oliver "
    "Montgomery Richards Williamson Johnston Banks Meyer Bishop McCoy Howell Alvarez "
    "Morrison Hansen Fernandez Garza Harvey Little Burton Stanley Nguyen George Jacobs "
    "Reid Fuller Lynch Dean Gilbert Garrett Romero Welch Larson Frazier Burke Hanson "
    "Kealoha Whitfield Villanueva Barraza Ochoa Raman Lucero Delgado Herrera"
)
FIRST_NAMES = names(
    "Ana Marisol Jordan Priya Elena Teresa Marcus Samuel Hannah Rachel Isabel Tom "
    "Oscar Rosa Gabriel Keisha Mateo Rebecca Alana Grace Kofi Denise Jae Lydia Mei "
    "Amira Sam Helen Luis Santiago Michael Sofia Liam Noah Emma Olivia Ava Mia Amelia "
    "Harper Evelyn Abigail Emily Ella Elizabeth Camila Luna Aria Scarlett Layla Chloe "
    "Zoe Nora Lily Eleanor Hazel Violet Aurora Riley Nova Emilia Everly Paisley "
    "James Benjamin Lucas Henry Alexander Mason Ethan Daniel Jacob Logan Jackson "
    "Levi Sebastian Jack Aiden Owen Wyatt John David Joseph Julian Luke Isaac "
    "Anthony Dylan Lincoln Thomas Maverick Elias Josiah Charles Caleb Christopher "
    "Ezra Miles Jaxon Isaiah Andrew Joshua Nathan Nolan Adrian Cameron Santino "
    "Eli Aaron Ryan Angel Cooper Waylon Easton Kai Christian Landon Colton Roman "
    "Axel Brooks Jonathan Robert Jameson Ian Everett Greyson Wesley Jeremiah "
    "Hunter Leonardo Jordan Jose Bennett Silas Nicholas Parker Beau Weston Austin "
    "Connor Carson Dominic Xavier Aisha Fatima Yusuf Omar Ngozi Chidi Kwame Abena "
    "Hiroshi Yuki Ravi Anjali Arjun Deepa Wei Ling Hana Tariq Leilani Kalani Tane "
    "Aroha Manaia Wiremu Ximena Valentina Diego Alejandro Lucia Camille Margaux"
)
SCHOOL_KINDS = ("Elementary School", "Middle School", "High School", "Academy", "Primary School",
                "Secondary School", "Community School", "Early College", "Learning Center",
                "Charter School")  # fmt: skip
ORGANISATIONS = ("Community Garden", "Youth Council", "Public Library", "History Museum",
                 "Family Resource Center", "Science Center", "Arts Collective",
                 "Land Trust", "Food Bank", "Makerspace")  # fmt: skip

THEMES = ("belonging", "student voice", "assessment for learning", "equity", "family engagement",
          "portfolios", "feedback", "moderation", "agency", "place-based learning",
          "restorative practice", "multilingual learners", "project-based learning",
          "exhibitions of learning", "teacher collaboration", "leadership", "wellbeing",
          "attendance", "grading reform", "competency-based learning", "community partners",
          "learning excursions", "peer feedback", "reflection", "mastery transcripts",
          "student-led conferences", "advisory", "crew", "indigenous knowledge", "outdoor learning",
          "literacy", "numeracy", "inclusion", "special education", "newcomer students",
          "school culture", "data use", "improvement cycles", "networks",
          "graduate profile")  # fmt: skip
PHRASES = ("student voice", "sense of belonging", "assessment for learning",
           "presentation of learning", "learning excursion", "competency-based learning",
           "restorative circles", "exit tickets", "project-based learning", "community partners",
           "family conferences", "portfolio defence", "shared vision", "peer feedback",
           "student-led conferences", "professional learning", "learning walks",
           "critical friends", "deeper learning", "place-based learning", "graduate profile",
           "success criteria", "learning targets", "mastery transcript")  # fmt: skip
EVIDENCE = ("portfolio of field notes", "video of the exhibition", "reflection journal",
            "rubric with self-assessment", "photographs of the project", "audio interview",
            "slide deck", "community survey results", "prototype and test notes", "lab report",
            "annotated work samples", "family letter")  # fmt: skip
CONTRIBUTOR_ROLES = {
    "story": ("storyteller", "storyteller", "storytelling-partner", "adapter"),
    "presentation-of-learning": ("presenter", "presenter", "lead-learner", "local-leader"),
    "excursion-synthesis": ("lead-learner", "local-leader", "adapter", "storytelling-partner"),
}
KIND_WEIGHTS = {"story": 60, "presentation-of-learning": 25, "excursion-synthesis": 15}
LICENCE_WEIGHTS = [6 if "/by/" in uri else 1 for uri in LICENCES]


def slugify(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


@dataclass
class GazetteerPlace:
    slug: str
    name: str
    kind: str
    parent: str | None
    lat: float
    lon: float

    def command(self) -> dict[str, Any]:
        return {"slug": self.slug, "name": self.name, "kind": self.kind,
                "parent": self.parent, "lat": round(self.lat, 5), "lon": round(self.lon, 5),
                "identifiers": {}}  # fmt: skip


@dataclass
class Gazetteer:
    places: list[GazetteerPlace] = field(default_factory=list)
    by_slug: dict[str, GazetteerPlace] = field(default_factory=dict)

    def add(self, place: GazetteerPlace) -> GazetteerPlace:
        base, n = place.slug, 2
        while place.slug in self.by_slug:
            place.slug = f"{base}-{n}"
            n += 1
        self.places.append(place)
        self.by_slug[place.slug] = place
        return place

    def of_kind(self, *kinds: str) -> list[GazetteerPlace]:
        return [p for p in self.places if p.kind in kinds]

    def city_of(self, slug: str) -> GazetteerPlace:
        place = self.by_slug[slug]
        while place.kind != "city" and place.parent:
            place = self.by_slug[place.parent]
        return place


def gazetteer(seed: int = DEFAULT_SEED) -> Gazetteer:
    """The same few thousand places for the same seed (the query mix uses it too)."""
    rng = random.Random(f"{seed}-places")
    gaz = Gazetteer()
    for country_slug, (name, lat, lon, authority, regions) in COUNTRIES.items():
        gaz.add(GazetteerPlace(country_slug, name, "country", None, lat, lon))
        for region_slug, region_name, rlat, rlon, spread, cities in regions:
            gaz.add(GazetteerPlace(region_slug, region_name, "region", country_slug, rlat, rlon))
            towns = [(n, clat, clon, True) for n, clat, clon in cities]
            for _ in range(rng.randint(3, 6)):
                town = rng.choice(TOWN_FIRST) + rng.choice(TOWN_LAST)
                tlat = max(-89.0, min(89.0, rng.gauss(rlat, spread)))
                tlon = ((rng.gauss(rlon, spread * 1.3) + 180) % 360) - 180
                towns.append((town, tlat, tlon, False))
            for town, clat, clon, big in towns:
                city = gaz.add(GazetteerPlace(slugify(town), town, "city", region_slug, clat, clon))
                _districts(rng, gaz, city, authority, big)
    return gaz


def _districts(
    rng: random.Random, gaz: Gazetteer, city: GazetteerPlace, authority: str, big: bool
) -> None:
    for i in range(rng.randint(2, 3) if big else rng.randint(1, 2)):
        if authority == "trust":
            label = rng.choice(("Learning Trust", "Academies Trust", "Schools Partnership"))
            name = f"{city.name if i == 0 else rng.choice(TOWN_FIRST) + ' ' + city.name} {label}"
        else:
            label = rng.choice(("Unified School District", "Public Schools",
                                "Independent School District", "School District"))  # fmt: skip
            name = f"{city.name if i == 0 else rng.choice(TOWN_FIRST) + ' Valley'} {label}"
        district = gaz.add(GazetteerPlace(slugify(name), name, authority, city.slug,
                                          city.lat, city.lon))  # fmt: skip
        spread = 0.09 if big else 0.04  # about 10 km or 4 km around the centre
        for _ in range(rng.randint(6, 10) if big else rng.randint(3, 7)):
            school = f"{rng.choice(SURNAMES + TOWN_FIRST)} {rng.choice(SCHOOL_KINDS)}"
            gaz.add(GazetteerPlace(slugify(f"{school} {city.name}"), school, "school",
                                   district.slug, rng.gauss(city.lat, spread),
                                   rng.gauss(city.lon, spread)))  # fmt: skip
    if rng.random() < 0.6:
        name = f"{city.name} {rng.choice(ORGANISATIONS)}"
        gaz.add(GazetteerPlace(slugify(name), name, "organisation", city.slug,
                               rng.gauss(city.lat, 0.03), rng.gauss(city.lon, 0.03)))  # fmt: skip


# -- words ---------------------------------------------------------------------------


def real_words() -> list[str]:
    lines = WORDS_FILE.read_text().splitlines()
    return [w for line in lines if not line.startswith("#") for w in line.split()]


class Words:
    """Zipf-ranked real words (97% of tokens) and a tail of rare made-up ones (3%)."""

    TAIL_SHARE = 0.03
    TAIL_SIZE = 15_000
    SYLLABLES = names("ka ri to na mel vor stan tel ba dor fin lo ra ven ish ar en ul go ma pe "
                 "qui sol tra bel cor dan fer gal hol jun kel lum mor nor pal ros sel tam ur "
                 "vel win yar zen")  # fmt: skip

    def __init__(self, rng: random.Random) -> None:
        self.head = real_words()
        tail: dict[str, None] = {}
        known = set(self.head)
        while len(tail) < self.TAIL_SIZE:
            word = "".join(rng.choice(self.SYLLABLES) for _ in range(rng.randint(2, 4)))
            if word not in known:
                tail[word] = None
        self.tail = list(tail)
        self.all = self.head + self.tail
        head_weights = [1.0 / (rank + 2.7) for rank in range(1, len(self.head) + 1)]
        scale = (1 - self.TAIL_SHARE) / sum(head_weights)
        weights = [w * scale for w in head_weights]
        weights += [self.TAIL_SHARE / len(self.tail)] * len(self.tail)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]
        self.content = [w for w in self.head[60:900] if len(w) >= 4]  # for titles and headings

    def pick(self, rng: random.Random, k: int) -> list[str]:
        total, cumulative, words = self.total, self.cumulative, self.all
        return [words[bisect.bisect(cumulative, rng.random() * total)] for _ in range(k)]

    def rank(self, word: str) -> int:
        return self.head.index(word) + 1 if word in self.head else 0


# -- artifacts -----------------------------------------------------------------------


@dataclass
class Convening:
    slug: str
    city: GazetteerPlace
    starts: date
    excursions: list[tuple[str, GazetteerPlace]]  # (slug, host school)


class Writer:
    """Draws the content of one artifact after another from a seeded Random."""

    def __init__(self, seed: int, gaz: Gazetteer, convenings: list[Convening]) -> None:
        self.rng = random.Random(f"{seed}-artifacts")
        self.words = Words(random.Random(f"{seed}-words"))
        self.gaz = gaz
        self.convenings = convenings
        self.schools = gaz.of_kind("school")
        self.school_weights = list(
            itertools.accumulate(1.0 / (i + 10) ** 0.7 for i in range(len(self.schools)))
        )
        self.rng.shuffle(self.schools)
        frameworks = {f["id"]: f for f in seeded_frameworks()}
        self.principles = [f"principles:{t['id']}" for t in frameworks["principles"]["terms"]]
        self.other_terms = [f"{fid}:{t['id']}" for fid in ("conditions", "network-features")
                            for t in frameworks[fid]["terms"]]  # fmt: skip
        self.stages = [f"conditions:{s['id']}" for s in frameworks["conditions"]["stages"]]
        self.presentations: dict[str, list[str]] = {}  # convening -> presentation ids
        self.kinds = list(KIND_WEIGHTS)
        self.kind_weights = list(itertools.accumulate(KIND_WEIGHTS.values()))
        self.year_weights = list(itertools.accumulate(1 + 0.2 * i for i in range(len(YEARS))))
        self.licences = list(LICENCES)
        self.licence_weights = list(itertools.accumulate(LICENCE_WEIGHTS))

    # text

    def sentence(self, low: int = 7, high: int = 22) -> str:
        rng = self.rng
        words = self.words.pick(rng, rng.randint(low, high))
        if rng.random() < 0.25:
            at = rng.randrange(len(words))
            words[at:at] = rng.choice(PHRASES).split()
        if rng.random() < 0.05:
            words.insert(rng.randrange(len(words)), f"*{rng.choice(self.words.content)}*")
        return " ".join(words).capitalize() + "."

    def heading(self) -> str:
        return " ".join(self.rng.sample(self.words.content, self.rng.randint(2, 5))).capitalize()

    def body(self, target: int, place: GazetteerPlace, people: list[str]) -> str:
        rng = self.rng
        parts: list[str] = []
        count = 0
        city = self.gaz.city_of(place.slug)
        opening = rng.choice(
            (f"At {place.name} in {city.name},", f"In {city.name},", f"{people[0]} writes:",
             "This year,", f"When {people[0]} first visited {place.name},")
        )  # fmt: skip
        first = self.sentence()
        parts.append(f"{opening} {first[0].lower()}{first[1:]}")
        count += len(parts[0].split())
        while count < target:
            if rng.random() < 0.3:
                parts.append(f"## {self.heading()}")
            if rng.random() < 0.15:
                items = [f"- {self.sentence(3, 9)}" for _ in range(rng.randint(3, 5))]
                parts.append("\n".join(items))
                count += sum(len(i.split()) for i in items)
            paragraph = " ".join(self.sentence() for _ in range(rng.randint(2, 5)))
            if rng.random() < 0.08:
                paragraph += f" See [the notes](https://example.org/notes/{rng.randrange(10**6)})."
            parts.append(paragraph)
            count += len(paragraph.split())
        return "\n\n".join(parts)

    def title(self) -> str:
        rng = self.rng
        words = self.words.pick(rng, rng.randint(1, 4))
        words += rng.sample(self.words.content, rng.randint(2, 5))
        if rng.random() < 0.35:
            words += rng.choice(PHRASES).split()
        rng.shuffle(words)
        words = words[: rng.randint(4, 12)]
        while len(words) < 4:
            words.append(rng.choice(self.words.content))
        return " ".join(words).capitalize()

    def person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"

    # structure

    def pick_weighted(self, items: list[Any], cumulative: list[float]) -> Any:
        return items[bisect.bisect(cumulative, self.rng.random() * cumulative[-1])]

    def content(self, kind: str, artifact_id: UUID) -> tuple[dict[str, Any], datetime]:
        rng = self.rng
        convening = None
        if kind == "excursion-synthesis" or rng.random() < (
            0.5 if kind == "presentation-of-learning" else 0.15
        ):
            convening = rng.choice(self.convenings)
        if convening is not None:
            excursion_slug, host = rng.choice(convening.excursions)
            when = convening.starts + timedelta(days=rng.randint(0, 3))
        else:
            excursion_slug, host = None, None
            year = self.pick_weighted(list(YEARS), self.year_weights)
            when = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        place = host if kind == "excursion-synthesis" and host else self.pick_weighted(
            self.schools, self.school_weights
        )  # fmt: skip
        roles = CONTRIBUTOR_ROLES[kind]
        people = [self.person() for _ in range(rng.randint(1, 3))]
        terms = rng.sample(self.principles, rng.randint(1, 3))
        terms += rng.sample(self.other_terms, rng.randint(0, 4))
        target = int(rng.triangular(150, 800, 350))
        content: dict[str, Any] = {
            "title": self.title(),
            "summary": " ".join(self.sentence(8, 24) for _ in range(rng.randint(1, 2))),
            "body": self.body(target, place, people),
            "contributors": [{"name": p, "role": rng.choice(roles)} for p in people],
            "terms": terms,
            "place": place.slug,
            "date": when.isoformat(),
            "language": "en",
            "licence": self.pick_weighted(self.licences, self.licence_weights),
            "visibility": "members" if rng.random() < 0.10 else "public",
            "themes": rng.sample(THEMES, rng.randint(1, 4)),
        }
        if rng.random() < 0.2:
            content["stage"] = rng.choice(self.stages)
        if convening is not None:
            content["convening"] = convening.slug
            if kind == "excursion-synthesis" or rng.random() < 0.5:
                content["excursion"] = excursion_slug
        if kind == "presentation-of-learning":
            content["presenters"] = [self.person() for _ in range(rng.randint(1, 4))]
            if rng.random() < 0.5:
                content["group"] = f"Grade {rng.randint(3, 12)} {rng.choice(('crew', 'advisory'))}"
            content["evidence"] = rng.sample(EVIDENCE, rng.randint(1, 3))
            if convening is not None:
                self.presentations.setdefault(convening.slug, []).append(str(artifact_id))
        elif kind == "excursion-synthesis" and convening is not None:
            earlier = self.presentations.get(convening.slug, [])
            content["presentations"] = rng.sample(earlier, min(len(earlier), rng.randint(0, 3)))
        published = datetime(when.year, when.month, when.day, tzinfo=UTC) + timedelta(
            days=rng.randint(1, 90), seconds=rng.randrange(86_400)
        )
        return content, min(published, datetime.now(UTC))

    def new_id(self) -> UUID:
        return UUID(int=self.rng.getrandbits(128), version=4)

    def artifact(self) -> Artifact:
        kind = self.pick_weighted(self.kinds, self.kind_weights)
        artifact_id = self.new_id()
        content, published_at = self.content(kind, artifact_id)
        # ``id`` is accepted by the eventsourcing metaclass, not by __init__ itself.
        artifact = Artifact(id=artifact_id, kind=kind, content=content, by="bench")  # type: ignore[call-arg]
        artifact.publish(source_version=1, content=dict(artifact.content), by="bench-editor",
                         at=published_at)  # fmt: skip
        return artifact


# -- writing it all ------------------------------------------------------------------


@dataclass
class CorpusInfo:
    generator_version: int
    seed: int
    artifacts: int
    places: int
    convenings: int
    excursions: int
    kinds: dict[str, int]
    members_only: int
    words: int  # words in all bodies
    head: int  # the event log's head at the end
    catalogue_seconds: float
    artifact_seconds: float
    publications_seconds: float

    @property
    def rate(self) -> float:
        return self.artifacts / self.artifact_seconds if self.artifact_seconds else 0.0


def convenings_for(seed: int, gaz: Gazetteer) -> list[Convening]:
    rng = random.Random(f"{seed}-convenings")
    cities = [p for p in gaz.of_kind("city") if p.slug in {slugify(c[0]) for c in _real_cities()}]
    convenings = []
    for year in YEARS:
        city = rng.choice(cities)
        starts = date(year, rng.randint(2, 11), rng.randint(1, 25))
        schools = [p for p in gaz.of_kind("school") if gaz.city_of(p.slug).slug == city.slug]
        hosts = rng.sample(schools, min(len(schools), rng.randint(5, 7)))
        slug = f"{city.slug}-{year}"
        excursions = [(f"{slug}-{slugify(h.name)}"[:80].rstrip("-"), h) for h in hosts]
        convenings.append(Convening(slug, city, starts, excursions))
    return convenings


def _real_cities() -> Iterator[tuple[str, float, float]]:
    for _, _, _, _, regions in COUNTRIES.values():
        for region in regions:
            yield from region[5]


def write_catalogue(archive: Archive, gaz: Gazetteer, convenings: list[Convening]) -> None:
    seed_frameworks(archive)
    for place in gaz.places:
        archive.catalogue.register_place(SYSTEM, place.command())
    rng = random.Random(0)
    for convening in convenings:
        ends = convening.starts + timedelta(days=3)
        archive.catalogue.schedule_convening(SYSTEM, {
            "slug": convening.slug, "title": f"Convening in {convening.city.name}, "
            f"{convening.starts.year}", "place": convening.city.slug,
            "starts": convening.starts.isoformat(), "ends": ends.isoformat(),
            "question": "What does learning look like here, and what can we carry home?",
            "summary": "Members of the network met to learn from local schools.",
        })  # fmt: skip
        for slug, host in convening.excursions:
            archive.catalogue.plan_excursion(SYSTEM, {
                "slug": slug, "convening": convening.slug, "title": f"A morning at {host.name}",
                "host_place": host.slug, "big_question": "What makes learning visible here?",
                "date": (convening.starts + timedelta(days=2)).isoformat(),
                "leaders": [{"name": f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                             "role": "local-leader"}],
            })  # fmt: skip


def generate(
    container: Container,
    n: int,
    seed: int = DEFAULT_SEED,
    report: Callable[[str], None] = print,
) -> CorpusInfo:
    """Write the catalogue and n published artifacts into an empty archive, then bring the
    publications read model up to date, as the indexer of a running archive keeps it."""
    archive = container.archive
    if archive.head:
        raise SystemExit(f"The event store is not empty (head {archive.head}); use a new one.")
    started = time.perf_counter()
    gaz = gazetteer(seed)
    convenings = convenings_for(seed, gaz)
    write_catalogue(archive, gaz, convenings)
    catalogue_seconds = time.perf_counter() - started
    excursions = sum(len(c.excursions) for c in convenings)
    report(f"catalogue: frameworks, {len(gaz.places):,} places, {len(convenings)} convenings, "
           f"{excursions} excursions in {catalogue_seconds:.1f} s")  # fmt: skip

    writer = Writer(seed, gaz, convenings)
    kinds = dict.fromkeys(KIND_WEIGHTS, 0)
    members = words = 0
    started = time.perf_counter()
    step = max(BATCH, (n // 10) // BATCH * BATCH)
    done = 0
    while done < n:
        batch = [writer.artifact() for _ in range(min(BATCH, n - done))]
        for artifact in batch:
            kinds[artifact.kind] += 1
            members += artifact.content["visibility"] == "members"
            words += len(artifact.content["body"].split())
        archive.save(*batch)
        done += len(batch)
        if done % step == 0 or done == n:
            elapsed = time.perf_counter() - started
            report(f"{done:>9,} artifacts  {elapsed:6.1f} s  {done / elapsed:7,.0f}/s")
    artifact_seconds = time.perf_counter() - started
    started = time.perf_counter()
    catch_up_publications(container)
    publications_seconds = time.perf_counter() - started
    report(f"publications read model caught up to {archive.head:,} in "
           f"{publications_seconds:.1f} s")  # fmt: skip
    return CorpusInfo(GENERATOR_VERSION, seed, n, len(gaz.places), len(convenings), excursions,
                      kinds, members, words, archive.head, catalogue_seconds,
                      artifact_seconds, publications_seconds)  # fmt: skip


def catch_up_publications(container: Container, page: int = 2000) -> None:
    """Apply the whole log to the publications read model (OAI-PMH and the change feed),
    with the indexer's own projection and the read model's own ``apply``, as the indexer
    of a running archive would have done."""
    from eventsourcing.persistence import Tracking

    from services.indexer.publications import PublicationsProjection

    archive, publications = container.archive, container.publications
    projection = PublicationsProjection(archive)
    position = publications.max_tracking_id(archive.name) or 0
    head = archive.head
    while position < head:
        batch = archive.recorder.select_notifications(position + 1, page, stop=head)
        publications.apply(projection.events(batch), Tracking(archive.name, batch[-1].id))
        position = batch[-1].id


def describe(info: CorpusInfo) -> str:
    kinds = ", ".join(f"{count:,} {kind}" for kind, count in info.kinds.items())
    return (f"{info.artifacts:,} artifacts ({kinds}; {info.members_only:,} members-only; "
            f"{info.words / max(1, info.artifacts):.0f} body words on average), "
            f"{info.places:,} places, log head {info.head:,}")  # fmt: skip


def write_info(directory: Path, info: CorpusInfo) -> None:
    (directory / "corpus.json").write_text(json.dumps(asdict(info), indent=1))


def read_info(directory: Path) -> CorpusInfo | None:
    try:
        data = json.loads((directory / "corpus.json").read_text())
        return CorpusInfo(**data)
    except (OSError, ValueError, TypeError):
        return None


def main(argv: list[str] | None = None) -> int:
    from infra.bootstrap import build
    from infra.settings import Settings

    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.corpus",
                                     description=__doc__.split("\n\n")[0])  # fmt: skip
    parser.add_argument("--artifacts", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--postgres-url", help="keep events in PostgreSQL (default: SQLite)")
    parser.add_argument("--schema", help="PostgreSQL schema (created if missing)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if args.postgres_url and args.schema:
        import psycopg

        with psycopg.connect(args.postgres_url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {args.schema}")
    settings = Settings(data_dir=args.data_dir, load_demo=False, database_url=args.postgres_url,
                        database_schema=args.schema)  # fmt: skip
    store = f"PostgreSQL {args.postgres_url} schema {args.schema}" if args.postgres_url else (
        f"SQLite {args.data_dir / 'events.sqlite3'}"
    )  # fmt: skip
    print(f"Generating {args.artifacts:,} artifacts (seed {args.seed}, generator "
          f"v{GENERATOR_VERSION}) into {store}", flush=True)  # fmt: skip
    with build(settings) as container:
        info = generate(container, args.artifacts, args.seed,
                        lambda line: print(line, flush=True))  # fmt: skip
    write_info(args.data_dir, info)
    print(f"done: {describe(info)}; {info.rate:,.0f} artifacts/s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
