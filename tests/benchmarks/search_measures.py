"""The search measures, on a synthetic corpus (see corpus.py):

a. the rebuild rate of ``services.indexer.rebuild.rebuild`` into a fresh SQLite FTS5 index,
   in a process of its own (which also gives its peak memory);
b. search latency for a fixed mix of queries, each run directly on the adapter
   (``SqliteFtsIndex.search``, in this process) and through HTTP against a real uvicorn
   server process (``uvicorn services.api.app:app_from_environment --factory``);
c. publish -> searchable: with that server and an indexer process
   (``python -m services.indexer``) running, the time from an HTTP publish's response
   until a search through the API finds the new artifact;
d. the peak memory (VmHWM) of the server and indexer processes.

``python -m tests.benchmarks.search_measures rebuild`` is the child process of (a): it
reads its settings from the ``COMMONPLACE_`` environment like the real processes, runs
the rebuild and prints one JSON line.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

from domain.ports.search import DEFAULT_FACET_LIMIT, SearchQuery
from domain.vocabularies import seeded_frameworks
from infra.search.sqlite_fts import SqliteFtsIndex
from tests.benchmarks.corpus import (
    DEFAULT_SEED,
    GENERATOR_VERSION,
    PHRASES,
    CorpusInfo,
    Gazetteer,
    Words,
    Writer,
    convenings_for,
    fingerprint,
    gazetteer,
    read_info,
)
from tests.benchmarks.stats import Sample

ROOT = Path(__file__).resolve().parents[2]
clock = time.perf_counter_ns
Report = Callable[[str], None]


# -- the corpus, cached between runs ------------------------------------------------


def cache_dir(n: int) -> Path:
    """Where the corpus of n artifacts is cached: keyed by the generator's version, the
    fingerprint of the files it depends on, the seed and n."""
    base = Path(tempfile.gettempdir()) / "commonplace-bench-corpus"
    return base / f"v{GENERATOR_VERSION}-{fingerprint()}-seed{DEFAULT_SEED}-{n}"


def run_child(args: list[str], env: dict[str, str], report: Report, indent: str = "   ") -> str:
    """Run ``python -m ...`` in the repository, echoing its output indented; returns it."""
    process = subprocess.Popen(
        [sys.executable, "-m", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if not line.startswith("{"):
            report(indent + line.rstrip())
    if process.wait() != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({process.returncode})")
    return "".join(lines)


def cached_corpus(n: int, report: Report) -> tuple[Path, CorpusInfo, bool]:
    """The SQLite corpus of n artifacts under the temp dir; generated if not there yet."""
    directory = cache_dir(n)
    info = read_info(directory)
    if info is not None and (directory / "events.sqlite3").is_file():
        return directory, info, True
    suffixes = (f"-seed{DEFAULT_SEED}-{n}", f"-seed{DEFAULT_SEED}-{n}.partial")
    for stale in directory.parent.glob("v*") if directory.parent.is_dir() else []:
        if stale.name.endswith(suffixes) and stale.name != directory.name:
            report(f"   removing a cached corpus of an older generator: {stale}")
            shutil.rmtree(stale, ignore_errors=True)
    partial = directory.with_name(directory.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    run_child(["tests.benchmarks.corpus", "--artifacts", str(n), "--data-dir", str(partial)],
              child_env(partial), report)  # fmt: skip
    for leftover in ("search", "media", "indexer-status.sqlite3", "indexer.lock"):
        path = partial / leftover
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    shutil.rmtree(directory, ignore_errors=True)
    partial.rename(directory)
    info = read_info(directory)
    assert info is not None
    return directory, info, False


def working_copy(corpus: Path, work: Path) -> float:
    """Copy the cached event store into ``work`` (the measures add to it); returns seconds."""
    started = time.perf_counter()
    work.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(corpus / "events.sqlite3", work / "events.sqlite3")
    shutil.copyfile(corpus / "corpus.json", work / "corpus.json")
    return time.perf_counter() - started


# -- child processes -----------------------------------------------------------------


def child_env(
    data_dir: Path, database_url: str | None = None, schema: str | None = None
) -> dict[str, str]:
    """The environment of a server, indexer or rebuild process on this data."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMONPLACE_")}
    env.update(
        COMMONPLACE_DATA_DIR=str(data_dir),
        COMMONPLACE_LOAD_DEMO="false",
        COMMONPLACE_SEARCH_BACKEND="sqlite",
        COMMONPLACE_RATE_LIMITS_ENABLED="false",  # one client sends every request here
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["COMMONPLACE_DATABASE_URL"] = database_url
        if schema:
            env["COMMONPLACE_DATABASE_SCHEMA"] = schema
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_kib(pid: int) -> int:
    """VmHWM (peak resident set) of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


class Service:
    """A server or indexer process of ours: started, checked, measured, stopped."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log_path = log
        self.log: IO[bytes] = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def check(self) -> None:
        if self.process.poll() is not None:
            tail = self.log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{self.name} exited ({self.process.returncode}):\n{tail}")

    def wait_until(self, ready: Callable[[], bool], timeout: float = 300.0) -> float:
        started = time.monotonic()
        while not ready():
            self.check()
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"{self.name} was not ready after {timeout:.0f} s")
            time.sleep(0.05)
        return time.monotonic() - started

    def started_line(self, marker: str) -> str:
        """The first line of the log containing ``marker``, without the timestamp."""
        for line in self.log_path.read_text(errors="replace").splitlines():
            if marker in line:
                return line[line.index(marker) :]
        return ""

    def peak_mib(self) -> float:
        self.check()
        return peak_kib(self.pid) / 1024

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@contextlib.contextmanager
def api_server(env: dict[str, str], logs: Path) -> Iterator[tuple[Service, str, float]]:
    """uvicorn serving ``app_from_environment`` as its own process; yields (it, URL, start s)."""
    port = free_port()
    service = Service("API server", [
        "-m", "uvicorn", "services.api.app:app_from_environment", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log",
    ], env, logs / "api.log")  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        seconds = service.wait_until(healthy)
        yield service, base, seconds
    finally:
        service.stop()


@contextlib.contextmanager
def indexer(
    env: dict[str, str], logs: Path, base: str, publications_lag: Callable[[], int]
) -> Iterator[tuple[Service, float]]:
    """``python -m services.indexer`` as its own process, once it has caught up: the search
    index (as the API reports it) and the publications read model it also keeps."""
    service = Service("indexer", ["-m", "services.indexer"], env, logs / "indexer.log")

    def caught_up() -> bool:
        if b"Indexer started" not in service.log_path.read_bytes():
            return False
        status = httpx.get(f"{base}/api/v1/indexer/status", timeout=10).json()
        return bool(status["lag_events"] == 0) and publications_lag() == 0

    try:
        seconds = service.wait_until(caught_up)
        yield service, seconds
    finally:
        service.stop()


# -- a. rebuild ----------------------------------------------------------------------


@dataclass
class RebuildFigures:
    documents: int
    position: int
    seconds: float
    read_seconds: float  # select_notifications (reading the log)
    build_seconds: float  # SearchProjection.changes (decoding events, building documents)
    write_seconds: float  # FtsRebuild.write (inserting into FTS5 and the tables)
    swap_seconds: float  # catch-up, indexes, swap
    peak_mib: float
    index_mib: float = 0.0

    @property
    def rate(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


def rebuild_in_child(env: dict[str, str], report: Report) -> RebuildFigures:
    output = run_child(["tests.benchmarks.search_measures", "rebuild"], env, report)
    data = json.loads(output.strip().splitlines()[-1])
    return RebuildFigures(**data)


def _rebuild_child() -> int:
    """Run the rebuild in this process from the environment's settings; print JSON."""
    import infra.search.sqlite_fts as fts
    from infra.bootstrap import build
    from infra.settings import Settings
    from services.indexer import projection, rebuild

    spent = {"read": 0, "build": 0, "write": 0, "swap": 0}

    def timed(part: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = clock()
            try:
                return function(*args, **kwargs)
            finally:
                spent[part] += clock() - t0

        return wrapper

    # Timers around the three stages, in this process only (no project code changes).
    projection.SearchProjection.changes = timed("build", projection.SearchProjection.changes)  # type: ignore[method-assign]
    fts.FtsRebuild.write = timed("write", fts.FtsRebuild.write)  # type: ignore[method-assign]
    fts.FtsRebuild.swap = timed("swap", fts.FtsRebuild.swap)  # type: ignore[method-assign]
    settings = Settings()
    with build(settings) as container:
        recorder = container.archive.recorder
        recorder.select_notifications = timed("read", recorder.select_notifications)  # type: ignore[method-assign]
        print(f"rebuilding from log head {container.archive.head:,} ...", flush=True)
        done = rebuild.rebuild(container.archive, container.search, container.coordination)
    index_bytes = sum(p.stat().st_size for p in (settings.data_dir / "search").glob("gen-*"))
    figures = RebuildFigures(
        done.documents, done.position, done.seconds, spent["read"] / 1e9, spent["build"] / 1e9,
        spent["write"] / 1e9, spent["swap"] / 1e9, peak_kib(os.getpid()) / 1024,
        index_bytes / 2**20,
    )  # fmt: skip
    print(json.dumps(figures.__dict__), flush=True)
    return 0


# -- b. the query mix ----------------------------------------------------------------

COMMON = ("learning", "assessment", "students", "community", "evidence")
DOMAIN = ("belonging", "portfolio", "agency", "feedback", "moderation", "rubric", "exhibition",
          "mastery", "advisory", "reflection", "equity", "wellbeing", "calibration", "capstone",
          "restorative", "makerspace", "apprenticeship", "newcomer")  # fmt: skip
TYPOS = ("belongng", "assesment", "portfolo", "moderaton", "feedbak", "reflecton",
         "apprenticship", "Tuscon", "Albuqerque", "Glasgw")  # fmt: skip
TWO_WORDS = ("student voice belonging", "portfolio feedback", "moderation rubric",
             "family conferences", "equity literacy", "capstone exhibition",
             "reflection journal", "teachers evidence portfolio")  # fmt: skip
EXCLUDING = ("assessment -portfolio", "belonging -attendance", "feedback -grades")
NAMES = ("Tucson", "Glasgow", "Okafor", "Kealoha")
TERMS = ("conditions:culture", "conditions:relationships", "conditions:agency",
         "conditions:comprehensive-assessment-system", "conditions:assessment-practices",
         "network-features:collaborative-inquiry-cycles", "network-features:connecting-outwards",
         "conditions:learner-supports")  # fmt: skip
KIND_NAMES = ("story", "presentation-of-learning", "excursion-synthesis")
YEAR_RANGES = ((2018, 2020), (2023, 2025), (2016, 2016), (2015, 2019), (2021, None), (None, 2017))


@dataclass(frozen=True)
class MixQuery:
    category: str
    params: tuple[tuple[str, str], ...]  # GET /api/v1/search?...
    query: SearchQuery  # the same search, for the adapter

    @property
    def url(self) -> str:
        return "/api/v1/search?" + str(httpx.QueryParams(self.params))


@dataclass
class Spec:
    category: str
    q: str = ""
    principles: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    near: tuple[float, float] | None = None
    radius_km: float | None = None
    kinds: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1

    def mix_query(self) -> MixQuery:
        params: list[tuple[str, str]] = []
        if self.q:
            params.append(("q", self.q))
        params += [("principle", p) for p in self.principles]
        params += [("term", t) for t in self.terms]
        params += [("place", p) for p in self.places]
        if self.near:
            params.append(("near", f"{self.near[0]!r},{self.near[1]!r}"))
        if self.radius_km is not None:
            params.append(("radius_km", repr(self.radius_km)))
        params += [("kind", k) for k in self.kinds]
        if self.year_from is not None:
            params.append(("year_from", str(self.year_from)))
        if self.year_to is not None:
            params.append(("year_to", str(self.year_to)))
        if self.sort != "relevance":
            params.append(("sort", self.sort))
        if self.page != 1:
            params.append(("page", str(self.page)))
        query = SearchQuery(
            q=self.q, terms=tuple(f"principles:{p}" for p in self.principles) + self.terms,
            places=self.places, near=self.near, radius_km=self.radius_km, kinds=self.kinds,
            year_from=self.year_from, year_to=self.year_to, sort=self.sort,  # type: ignore[arg-type]
            page=self.page, per_page=20, facets=True, include_members=False,
        )  # fmt: skip
        return MixQuery(self.category, tuple(params), query)


def query_mix(gaz: Gazetteer | None = None, seed: int = DEFAULT_SEED) -> list[MixQuery]:
    """At least 200 distinct searches, the same for the same seed."""
    gaz = gaz or gazetteer(seed)
    rng = random.Random(f"{seed}-queries")
    words = Words(random.Random(f"{seed}-words"))
    mid = [w for w in words.head[300:1800] if len(w) >= 5]
    rare = rng.sample(mid, 10) + rng.sample(words.tail, 3)
    phrases = [f'"{p}"' for p in rng.sample(PHRASES, 8)]
    texts = (list(COMMON) + list(DOMAIN) + rare + list(TYPOS) + phrases + list(TWO_WORDS)
             + list(EXCLUDING) + list(NAMES))  # fmt: skip
    principles = [
        t["id"] for f in seeded_frameworks() if f["id"] == "principles" for t in f["terms"]
    ]
    regions = [p.slug for p in gaz.of_kind("region")]
    cities = [p for p in gaz.of_kind("city")]
    big_cities = [c for c in cities if any(c.name == r[0] for r in _real_city_names())]

    def some_text() -> str:
        return rng.choice(texts)

    def place() -> str:
        return rng.choice(regions) if rng.random() < 0.5 else rng.choice(cities).slug

    specs: list[Spec] = [Spec("words", q=t) for t in texts]  # every text on its own
    for _ in range(24):
        specs.append(Spec("words+principle", q=some_text(), principles=(rng.choice(principles),)))
    for _ in range(16):
        specs.append(Spec("words+term", q=some_text(), terms=(rng.choice(TERMS),)))
    for i in range(20):
        kind = "region" if i % 2 == 0 else "city"
        slug = rng.choice(regions) if kind == "region" else rng.choice(cities).slug
        specs.append(Spec(f"words+place ({kind})", q=some_text(), places=(slug,)))
    for i in range(18):
        city = rng.choice(big_cities)
        specs.append(Spec(
            "near+radius", q=some_text() if i % 2 else "", near=(city.lat, city.lon),
            radius_km=rng.choice((10.0, 25.0, 50.0, 100.0)),
            sort="distance" if i % 3 == 0 else "relevance",
        ))  # fmt: skip
    for _ in range(12):
        specs.append(Spec("kind", q=some_text() if rng.random() < 0.7 else "",
                          kinds=(rng.choice(KIND_NAMES),)))  # fmt: skip
    for _ in range(12):
        year_from, year_to = rng.choice(YEAR_RANGES)
        specs.append(Spec("years", q=some_text() if rng.random() < 0.7 else "",
                          year_from=year_from, year_to=year_to))  # fmt: skip
    for i in range(15):
        browse = [Spec("browse (no words)", principles=(principles[i // 3 % 6],)),
                  Spec("browse (no words)", places=(place(),)),
                  Spec("browse (no words)", terms=(TERMS[i // 3 % len(TERMS)],))]  # fmt: skip
        spec = browse[i % 3]
        spec.sort = "newest"
        specs.append(spec)
    for _ in range(12):
        year_from, _to = rng.choice(YEAR_RANGES[:4])
        specs.append(Spec(
            "combined filters", q=some_text(), principles=(rng.choice(principles),),
            places=(place(),), kinds=(rng.choice(KIND_NAMES),), year_from=year_from,
            sort=rng.choice(("relevance", "newest")),
        ))  # fmt: skip
    pages = []
    for spec in rng.sample(specs, 20):
        pages.append(Spec(**{**spec.__dict__, "category": "pages 2-3", "page": rng.choice((2, 3))}))
    specs += pages
    seen: dict[tuple[tuple[str, str], ...], MixQuery] = {}
    for spec in specs:
        query = spec.mix_query()
        seen.setdefault(query.params, query)
    assert len(seen) >= 200, len(seen)
    return list(seen.values())


def _real_city_names() -> Iterator[tuple[str, float, float]]:
    from tests.benchmarks.corpus import _real_cities

    return _real_cities()


@dataclass
class Latencies:
    direct: Sample
    http: Sample
    per_query: list[tuple[MixQuery, int, int, int, int]]  # query, direct ns, http ns, total, bytes
    typo_rebuilds: int  # direct searches during which this process rebuilt its typo index


def search_latencies(
    index: SqliteFtsIndex, client: httpx.Client, mix: list[MixQuery], warmup: int
) -> Latencies:
    """Each query directly and over HTTP, one right after the other, after a warm-up.

    The second run of the same search is faster than the first (what the first brought
    into memory and the CPU's caches), so the order alternates: even queries go directly
    first, odd ones over HTTP first. Neither way gets the advantage.
    """
    for query in mix[:warmup]:
        _direct(index, query)
        client.get(query.url).raise_for_status()
    direct, http = Sample("direct: SqliteFtsIndex.search"), Sample("http: GET /api/v1/search")
    per_query = []
    typo_rebuilds = 0  # the typo tables are kept current by writes: never rebuilt now
    started = clock()
    for number, query in enumerate(mix):
        if number % 2 == 0:
            (direct_ns, result), (http_ns, response) = _direct(index, query), _http(client, query)
        else:
            (http_ns, response), (direct_ns, result) = _http(client, query), _direct(index, query)
        response.raise_for_status()
        answer = response.json()
        if answer["total"] != result.total:
            raise RuntimeError(f"{query.url}: HTTP total {answer['total']} != {result.total}")
        direct.add(direct_ns)
        http.add(http_ns)
        per_query.append((query, direct_ns, http_ns, result.total, len(response.content)))
    direct.wall_ns = http.wall_ns = clock() - started
    return Latencies(direct, http, per_query, typo_rebuilds)


def _direct(index: SqliteFtsIndex, query: MixQuery) -> tuple[int, Any]:
    """The adapter's search, with facets capped as the API asks for them."""
    asked = dataclasses.replace(query.query, facet_limit=DEFAULT_FACET_LIMIT)
    t0 = clock()
    result = index.search(asked)
    return clock() - t0, result


def _http(client: httpx.Client, query: MixQuery) -> tuple[int, httpx.Response]:
    t0 = clock()
    response = client.get(query.url)
    return clock() - t0, response


# -- c. publish -> searchable --------------------------------------------------------


@dataclass
class Visibility:
    sample: Sample
    polls: list[int] = field(default_factory=list)
    timeouts: int = 0
    cold_ms: list[float | None] = field(default_factory=list)  # untimed warm-up; None: not found


def unique_word(i: int) -> str:
    """qzaa, qzab, ... (676 of them): words no artifact of the corpus contains. Four letters,
    so that search allows no typo in them and never offers one of them for another."""
    first, second = divmod(i, 26)
    if first >= 26:
        raise ValueError("at most 676 unique words")
    return "qz" + chr(ord("a") + first) + chr(ord("a") + second)


def publish_to_searchable(
    base: str, partner: str, editor: str, n: int, poll_ms: float, warmup: int = 3,
    timeout: float = 10.0,
) -> Visibility:  # fmt: skip
    """Create and publish over HTTP; poll search until the new artifact is found."""
    gaz = gazetteer()
    writer = Writer(DEFAULT_SEED + 1, gaz, convenings_for(DEFAULT_SEED, gaz))
    as_partner = {"Authorization": f"Bearer {partner}"}
    as_editor = {"Authorization": f"Bearer {editor}"}
    result = Visibility(Sample("publish -> searchable"))
    with httpx.Client(base_url=base, timeout=30) as client:

        def one(i: int) -> tuple[int | None, int]:
            """(ns from the publish response until found, or None; searches sent)."""
            word = unique_word(i)
            content, _ = writer.content("story", writer.new_id())
            content["title"] = f"{word} {content['title']}"
            content["visibility"] = "public"  # the anonymous search must be able to find it
            created = client.post("/api/v1/artifacts", json={"kind": "story", **content},
                                  headers=as_partner)  # fmt: skip
            if created.status_code != 201:
                raise RuntimeError(f"create: {created.status_code} {created.text[:500]}")
            published = client.post(
                f"{created.headers['location']}/publish",
                headers={**as_editor, "If-Match": created.headers["etag"]},
            )
            t0 = clock()
            if published.status_code != 200:
                raise RuntimeError(f"publish: {published.status_code} {published.text[:500]}")
            polls = 0
            while clock() - t0 < timeout * 1e9:
                polls += 1
                tick = clock()
                found = client.get("/api/v1/search", params={"q": word, "per_page": 1})
                found.raise_for_status()
                answer = found.json()
                if answer["total"] >= 1:
                    elapsed = clock() - t0
                    if answer["hits"][0]["id"] != created.json()["id"]:
                        raise RuntimeError(f"q={word} found another artifact: {answer}")
                    return elapsed, polls
                pause = poll_ms / 1e3 - (clock() - tick) / 1e9
                if pause > 0:
                    time.sleep(pause)
            return None, polls

        for i in range(warmup):
            elapsed, _ = one(i)
            result.cold_ms.append(None if elapsed is None else elapsed / 1e6)
        started = clock()
        for i in range(warmup, warmup + n):
            elapsed, polls = one(i)
            if elapsed is None:
                result.timeouts += 1
            else:
                result.sample.add(elapsed)
                result.polls.append(polls)
        result.sample.wall_ns = clock() - started
    return result


def publications_lag(container: Any) -> Callable[[], int]:
    """How far the publications read model is behind the head of the log."""

    def lag() -> int:
        position = container.publications.max_tracking_id(container.archive.name) or 0
        return int(container.archive.head - position)

    return lag


def issue_tokens(settings: Any) -> tuple[str, str]:
    """A partner's and an editor's token, issued in this process before the servers start."""
    from infra.bootstrap import build

    with build(settings) as container:
        partner, _ = container.archive.tokens.issue("partner", "Search benchmark partner")
        editor, _ = container.archive.tokens.issue("editor", "Search benchmark editor")
    return partner, editor


if __name__ == "__main__":
    if sys.argv[1:] == ["rebuild"]:
        sys.exit(_rebuild_child())
    sys.exit("usage: python -m tests.benchmarks.search_measures rebuild  (run.py runs the rest)")
