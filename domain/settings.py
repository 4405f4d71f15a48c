"""Configuration read from the environment (12-factor): nothing is kept in the API process.

Closed by default: a deployment that sets nothing gets the safe behaviour. Every opening (keys
generated on disk, webhook targets beyond the public internet) is a setting of its own, off
unless set; `make run` sets the ones a developer's machine needs, and the tests set theirs in
their Settings."""

from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_CHARS = 32
IPNetwork = IPv4Network | IPv6Network


def _networks(value: str) -> tuple[IPNetwork, ...]:
    try:
        return tuple(ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip())
    except ValueError as exc:
        raise ValueError(f"WEBHOOK_ALLOWED_NETWORKS: {exc}") from None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # The embedded default: a SQLite file in the working directory.
    database_url: str = "sqlite:///./tadrib.db"
    # PostgreSQL: the connections each process keeps, and how many more it opens under a burst
    # (closed again when returned); unset: 16 and 8 (domain/postgres.py says why).
    database_pool_size: int | None = Field(default=None, ge=1)
    database_max_overflow: int | None = Field(default=None, ge=0)
    # Bodies above this size are refused with 413 before they are parsed.
    max_body_bytes: int = 1_048_576
    # ... except uploads of bulk imports (POST .../imports): 20,000 rows as JSON fit in 32 MiB.
    max_import_bytes: int = 33_554_432
    # Reading an import file (domain/imports/reading.py): each is parsed in a process of its own,
    # killed past the time, refused past the memory; beyond any other limit the answer is a 413
    # naming it. Sized for the documented 20,000-row imports, as measured: a 20,000-row, 12-column
    # XLSX expands to 16 MB of XML at a ratio of 9 (23 when every cell is alike) and parses in 3 s
    # of CPU within 85 MB; the largest uploads (32 MiB of CSV, JSON or XLSX) peak at 300 MB.
    import_max_rows: int = Field(default=20_000, ge=1)  # rows with data
    import_max_rows_read: int = Field(default=40_000, ge=1)  # every row read, blank or not
    import_max_columns: int = Field(default=256, ge=1)  # cells in a row, and a sheet's declared width
    import_max_cell_chars: int = Field(default=32_767, ge=1)  # Excel's own limit for a cell
    import_max_archive_members: int = Field(default=1_000, ge=1)  # parts of an XLSX (zip) archive
    import_max_member_bytes: int = Field(default=67_108_864, ge=1)  # one part, expanded
    import_max_archive_bytes: int = Field(default=134_217_728, ge=1)  # all parts, expanded
    import_max_compression_ratio: float = Field(default=100, gt=1)  # expanded / stored, for parts over 1 MiB
    import_parse_seconds: float = Field(default=60, gt=0)  # CPU seconds; the clock stops it at 3x + 10 s
    import_parse_memory_bytes: int = Field(default=1_073_741_824, ge=67_108_864)  # the parsing process's address space
    import_parse_concurrency: int = Field(default=2, ge=1)  # files parsed at once per server process; others wait
    # The URL clients reach the API at, behind a proxy (possibly under a path): every URL the API
    # hands out is on it (Location, Link, calendar feeds, SCIM's locations); unset: the request's.
    public_url: str | None = None
    # List pages (api/deps.py): the size when ?limit is not given, and the largest a client may ask for.
    default_page_size: int = Field(default=50, ge=1)
    max_page_size: int = Field(default=200, ge=1)
    # Signing keys and SECRET_KEY must be configured (PEM text or a file): the API refuses to
    # start without them. GENERATE_KEYS=true (make run, the tests) instead makes any missing one
    # on first run and keeps it in key_dir, outside the repository, readable by its owner only:
    # for a developer's machine, never for a deployment (each host would have keys of its own).
    generate_keys: bool = False
    # The pages assume HTTPS, as a deployment behind TLS: cookies are Secure with the __Host-
    # prefix, and HSTS is sent. PLAIN_HTTP=true (make run on 127.0.0.1, the tests' client) drops
    # those three, for a developer's machine only.
    plain_http: bool = False
    key_dir: Path = Path.home() / ".config" / "tadrib" / "keys"
    jwt_private_key: str | None = None
    jwt_private_key_file: Path | None = None
    # Older public keys still accepted for verification (PEM, separated by blank lines).
    jwt_previous_public_keys: str | None = None
    jwt_issuer: str = "tadrib"
    jwt_audience: str = "tadrib-api"
    access_token_minutes: int = 30
    # The account behind a token is read again after this long (domain/auth/remembered.py); a
    # change made through this process applies at once, one made by another process within it.
    # 0: read on every request.
    principal_recheck_seconds: float = Field(default=1.0, ge=0, le=60)
    # HMAC secret for secret calendar-feed URLs and other opaque tokens (32+ characters).
    secret_key: str | None = Field(default=None, min_length=MIN_SECRET_CHARS)
    # Failed sign-ins (domain/auth/throttle.py), remembered this long after a pair's last failure.
    # Per user name and address: this many failures are free, then each further attempt from that
    # address waits 1, 2, 4... seconds after the one before, up to the cap. Per address, across
    # user names (password spraying): this many failures, then every attempt is refused. Per user
    # name, across addresses: from this many failures on, an address with a failure for that name
    # waits from its first failure; an address with none is never slowed down.
    sign_in_window_hours: float = Field(default=24, gt=0)
    sign_in_free_failures: int = Field(default=5, ge=1)
    sign_in_max_delay_seconds: int = Field(default=900, ge=1)
    sign_in_address_max_failures: int = Field(default=100, ge=1)
    sign_in_user_name_failures: int = Field(default=20, ge=1)
    # A rotated machine-client secret keeps working this long beside the new one.
    client_secret_overlap_hours: float = Field(default=24, ge=0)
    report_suppression_threshold: int = 3  # observers and machine clients: counts below it are withheld
    # Pages (web/): a session ends after this long without a request, and this long after sign-in
    # whatever the activity (a trainer's day in a classroom fits in it).
    web_session_idle_minutes: int = Field(default=60, ge=1)
    web_session_hours: int = Field(default=12, ge=1)
    # Idempotency-Key: how long a key and its answer are kept after the answer (at least 24 hours,
    # per the published policy), and how long a running request holds its key before a retry may
    # take it over (its process is then presumed dead; a takeover can never make the work count twice).
    idempotency_key_hours: int = Field(default=24, ge=24)
    idempotency_lease_seconds: int = Field(default=300, ge=1)
    # GET /bench/ceiling (constant JSON), for `python -m bench http` only: the server's own ceiling.
    bench_ceiling: bool = False
    # TEMPLATES_RELOAD=true re-reads a page template when its file changes (a developer editing
    # templates); off, each template is compiled once per process and never looked at again.
    templates_reload: bool = False
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (comma-separated addresses or
    # networks, e.g. "10.0.0.5,10.1.0.0/16"). Empty: none, so that no client can pick the address
    # the sign-in limit counts by.
    trusted_proxies: str = ""
    # The change feed keeps events this many days at least; an older cursor is a 410.
    events_retention_days: int = Field(default=30, ge=1)
    # Webhook targets: every address a URL's host resolves to must be public (`is_global`, and so
    # must an IPv4 address embedded in it: 6to4, Teredo, NAT64); these networks (comma-separated,
    # e.g. "127.0.0.0/8,::1" as `make run` sets for local receivers, or "10.20.0.0/16" for an
    # internal receiver) are reachable too. Link-local networks and cloud metadata addresses
    # stay refused even when listed (domain/webhooks/targets.py).
    webhook_allowed_networks: str = ""
    # Seconds before each retry (the Standard Webhooks schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
    # 14 h, 20 h, 24 h), each with up to webhook_retry_jitter of itself added at random.
    webhook_retry_schedule: str = "5,300,1800,7200,18000,36000,50400,72000,86400"
    webhook_retry_jitter: float = Field(default=0.1, ge=0, le=1)
    webhook_timeout_seconds: float = Field(default=15, gt=0)
    # An endpoint failing continuously this long is disabled (its events are kept).
    webhook_disable_after_hours: float = Field(default=120, gt=0)
    # How long a worker holds the deliveries it claimed; after that another worker takes them over.
    webhook_lease_seconds: float = Field(default=60, gt=0)
    # While rotating, the previous secret still signs this long.
    webhook_secret_overlap_hours: float = Field(default=24, ge=0)
    # Worker: deliveries claimed per round, and the pause when there is nothing to do.
    webhook_batch_size: int = Field(default=50, ge=1, le=1000)
    webhook_poll_seconds: float = Field(default=1.0, gt=0)
    # Notifications (domain/notifications): SMTP_URL smtp://user:pass@host:587 (STARTTLS, required
    # when a user is given) or smtps://user:pass@host:465 (implicit TLS). Unset (make run): messages
    # are decided and stored, shown to administrators in the outbox, and not sent.
    smtp_url: str | None = None
    # The sender, and the ORGANIZER of invitations; Message-IDs are on its domain.
    mail_from: str = "Tadrib <tadrib@tadrib.invalid>"
    # Seconds before each retry after a temporary failure (SMTP 4xx, connection errors), with jitter.
    mail_retry_schedule: str = "60,300,1800,7200,21600,43200,86400"
    mail_timeout_seconds: float = Field(default=30, gt=0)
    # How long a worker holds the messages it claimed (longer than a send); then another takes them over.
    mail_lease_seconds: float = Field(default=120, gt=0)
    mail_batch_size: int = Field(default=20, ge=1, le=500)
    mail_poll_seconds: float = Field(default=1.0, gt=0)

    @model_validator(mode="after")
    def _page_sizes_ordered(self) -> Self:
        if self.default_page_size > self.max_page_size:
            raise ValueError("DEFAULT_PAGE_SIZE must not exceed MAX_PAGE_SIZE")
        return self

    @field_validator("webhook_allowed_networks")
    @classmethod
    def _networks_parse(cls, value: str) -> str:
        _networks(value)  # a typo fails at start-up, not at the first delivery
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url_parses(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL: smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465")
        parts.port  # noqa: B018  (raises ValueError on a port that is no number)
        return value

    @property
    def webhook_networks(self) -> tuple[IPNetwork, ...]:
        return _networks(self.webhook_allowed_networks)

    @property
    def retry_delays(self) -> list[float]:
        return [float(s) for s in self.webhook_retry_schedule.split(",") if s.strip()]

    @property
    def mail_retry_delays(self) -> list[float]:
        return [float(s) for s in self.mail_retry_schedule.split(",") if s.strip()]

    def check_keys(self) -> None:
        """Refuse to start without configured keys, unless told to generate the missing ones."""
        if self.generate_keys:
            return
        missing = []
        if not (self.jwt_private_key or self.jwt_private_key_file):
            missing.append("JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE")
        if not self.secret_key:
            missing.append(f"SECRET_KEY ({MIN_SECRET_CHARS}+ characters)")
        if missing:
            raise RuntimeError(
                "Tadrib needs " + " and ".join(missing) + ". On a developer's machine, GENERATE_KEYS=true "
                "makes them on first run in KEY_DIR (make run does)."
            )


@lru_cache
def get_settings() -> Settings:
    return Settings()
