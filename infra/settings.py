"""The one settings object. Every value can be set with a ``COMMONPLACE_`` variable."""

from __future__ import annotations

from ipaddress import ip_address
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_admin_email(base_url: str) -> str:
    """``archive@`` the site's host name; ``archive@localhost`` when the site has none.

    An address cannot end in a bare IP address (RFC 5321 writes it ``[127.0.0.1]``),
    so a site still on ``http://127.0.0.1:8000`` gets ``archive@localhost``: valid,
    and plainly a local one. A public site's BASE_URL names its domain.
    """
    host = (urlsplit(base_url).hostname or "").rstrip(".")
    try:
        ip_address(host)
    except ValueError:
        if "." in host:
            return f"archive@{host}"
    return "archive@localhost"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMMONPLACE_", env_file=None, extra="ignore")

    data_dir: Path = Field(Path("var"), description="Where embedded stores keep their files.")
    database_url: str | None = Field(
        None, description="postgresql://user:password@host:port/dbname; unset means SQLite."
    )
    database_schema: str | None = Field(None, description="PostgreSQL schema (default: public).")
    host: str = Field("127.0.0.1", description="Interface `serve` listens on.")
    port: int = Field(8000, description="Port `serve` listens on.")
    base_url: str = Field(
        "",
        description="Public URL of this site, used in feeds, OAI-PMH, JSON-LD and upload URLs.",
        json_schema_extra={"shown_default": "http://HOST:PORT"},
    )
    max_request_bytes: int = Field(1_048_576, description="Largest JSON request body accepted.")
    load_demo: bool = Field(True, description="Load the demo archive into an empty store on start.")
    aggregate_cache_size: int = Field(1000, description="Aggregates kept in memory per process.")
    search_backend: Literal["sqlite", "meilisearch"] = Field(
        "sqlite", description="sqlite (FTS5 in the data directory) or meilisearch."
    )
    meilisearch_url: str | None = Field(None, description="e.g. http://127.0.0.1:7700")
    meilisearch_key: str | None = Field(None, description="Meilisearch API key.")
    meilisearch_index: str = Field("artifacts", description="Meilisearch index uid.")
    search_wait_seconds: float = Field(
        5.0, description="How long a search with ?after= waits for the indexer."
    )
    media_backend: Literal["local", "s3"] = Field(
        "local", description="local (a folder in the data directory) or s3."
    )
    s3_bucket: str = Field("commonplace-media", description="S3 bucket for media.")
    s3_endpoint_url: str | None = Field(None, description="e.g. http://127.0.0.1:9000 for MinIO")
    s3_region: str = Field("us-east-1", description="S3 region.")
    s3_access_key: str | None = Field(None, description="S3 access key (unset: boto3's own).")
    s3_secret_key: str | None = Field(None, description="S3 secret key.")
    s3_prefix: str = Field("", description="Prefix of every media key in the bucket.")
    media_part_size: int = Field(16 * 1024 * 1024, description="Uploads above this go in parts.")
    media_limits: dict[str, int] = Field(
        default_factory=lambda: {
            "image": 30 * 1024 * 1024,
            "audio": 300 * 1024 * 1024,
            "video": 2 * 1024 * 1024 * 1024,
            "document": 100 * 1024 * 1024,
            "transcript": 5 * 1024 * 1024,
        },
        description="Largest upload per kind of media, in bytes (JSON).",
    )
    image_pixel_budget: int = Field(
        40_000_000,
        description="Most pixels (width x height x frames) an uploaded image may have; "
        "checked from its header before decoding. 40 Mpx fits a 1-2 GB server.",
    )
    image_decode_memory: int = Field(
        1024 * 1024 * 1024,
        description="Address space (bytes) of the child process that decodes an image.",
    )
    site_name: str = Field(
        "Commonplace", description="The site's name: page headers, titles and harvesters."
    )
    oai_admin_email: str | None = Field(
        None,
        description="Contact address OAI-PMH harvesters are given (Identify's adminEmail); "
        "archive@localhost while BASE_URL's host is an IP address.",
        json_schema_extra={"shown_default": "archive@<host of BASE_URL>"},
    )
    oai_secret: str | None = Field(
        None,
        description="Key signing OAI-PMH resumption tokens; set the same on every API host "
        "(default: a random key kept in the data directory).",
    )
    fetch_allow_networks: list[str] = Field(
        default_factory=list,
        description="Networks (CIDR) other sites may be fetched from although private or local.",
    )
    fetch_timeout_seconds: float = Field(
        5.0, description="Longest wait for another site when fetching from it."
    )
    fetch_deadline_seconds: float = Field(
        10.0, description="Longest one fetch of another site may take in all (connect to body)."
    )
    fetch_max_bytes: int = Field(2_000_000, description="Largest answer read from another site.")
    fetch_max_concurrent: int = Field(
        8, description="Fetches of other sites at once per process; beyond it, 503."
    )
    smtp_host: str | None = Field(
        None, description="SMTP server that notification emails go through; unset: no email."
    )
    smtp_port: int = Field(587, description="Port of the SMTP server.")
    smtp_user: str | None = Field(None, description="SMTP user name (unset: no login).")
    smtp_password: str | None = Field(None, description="SMTP password.")
    smtp_from: str = Field(
        "",
        description="Sender address of notification emails (default: the OAI admin email).",
        json_schema_extra={"shown_default": "archive@<host of BASE_URL>"},
    )
    smtp_starttls: bool = Field(True, description="Upgrade the SMTP connection with STARTTLS.")
    indexer_poll_seconds: float = Field(
        0.05, description="How often the indexer polls a store without subscriptions."
    )
    session_secret: str | None = Field(
        None,
        description="Key deriving the web forms' CSRF tokens from session ids (default: a "
        "random key kept in the database beside the sessions, shared by every API host).",
    )
    rate_limits_enabled: bool = Field(True, description="Answer 429 to clients over a limit.")
    rate_limits: dict[str, int] = Field(
        default_factory=lambda: {"signin": 10, "write": 120, "search": 300, "fetch": 10},
        description="Requests per minute per client (its token, else its IP), and the burst "
        "allowed, for each limited kind (JSON): signin counts failed sign-ins and unknown "
        "tokens per IP; write, token-authenticated writes; search; fetch, requests that "
        "make this site fetch another.",
    )

    def model_post_init(self, context: object) -> None:
        if not self.base_url:
            self.base_url = f"http://{self.host}:{self.port}"
        self.base_url = self.base_url.rstrip("/")
        if not self.oai_admin_email:
            self.oai_admin_email = default_admin_email(self.base_url)
        if not self.smtp_from:
            self.smtp_from = self.oai_admin_email or default_admin_email(self.base_url)

    @property
    def uses_postgres(self) -> bool:
        return bool(self.database_url)

    def eventsourcing_env(self) -> dict[str, str]:
        """The environment mapping the eventsourcing Application expects."""
        env = {
            "AGGREGATE_CACHE_MAXSIZE": str(self.aggregate_cache_size),
            # Copies from the cache protect it from callers that mutate what they load.
            "DEEPCOPY_FROM_AGGREGATE_CACHE": "y",
        }
        if not self.database_url:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            env.update(
                PERSISTENCE_MODULE="eventsourcing.sqlite",
                SQLITE_DBNAME=str(self.data_dir / "events.sqlite3"),
                SQLITE_LOCK_TIMEOUT="10",
            )
            return env
        url = urlsplit(self.database_url)
        if url.scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
            msg = f"COMMONPLACE_DATABASE_URL must start with postgresql://, not {url.scheme}://"
            raise ValueError(msg)
        env.update(
            PERSISTENCE_MODULE="eventsourcing.postgres",
            POSTGRES_DBNAME=url.path.lstrip("/") or "postgres",
            POSTGRES_HOST=url.hostname or "127.0.0.1",
            POSTGRES_PORT=str(url.port or 5432),
            POSTGRES_USER=unquote(url.username or "postgres"),
            POSTGRES_PASSWORD=unquote(url.password or ""),
            POSTGRES_CONNECT_TIMEOUT="5",
            POSTGRES_POOL_SIZE="5",
            POSTGRES_MAX_OVERFLOW="10",
            # Check a pooled connection before handing it out: after a restart or a
            # terminated backend, dead connections are replaced instead of failing requests.
            POSTGRES_PRE_PING="y",
        )
        if self.database_schema:
            env["POSTGRES_SCHEMA"] = self.database_schema
        return env
