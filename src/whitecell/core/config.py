"""Settings read from `WHITECELL_*` environment variables (and an optional `.env`)."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# `(requests, window_seconds)`; written in the environment as `5/3600`.
RateRule = Annotated[tuple[int, int], NoDecode]


def _parse_rate(value: object) -> tuple[int, int]:
    if isinstance(value, str):
        count, _, window = value.partition("/")
        return int(count), int(window)
    if isinstance(value, list | tuple) and len(value) == 2:
        return int(value[0]), int(value[1])
    raise ValueError("a rate limit is written as REQUESTS/SECONDS, e.g. 5/3600")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="WHITECELL_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Path("data")
    # Empty means the embedded SQLite database `<data_dir>/whitecell.db`.
    database_url: str = ""
    database_pool_size: int = 10
    redis_url: str = ""
    public_base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    # Empty means a random key generated once and kept in `<data_dir>/secret_key`.
    secret_key: SecretStr = SecretStr("")
    log_level: str = "INFO"
    log_json: bool = False

    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = True
    smtp_ssl: bool = False
    smtp_timeout_seconds: float = 15.0
    mail_from: str = "White Cell <no-reply@whitecell.local>"

    otp_ttl_seconds: int = Field(600, ge=60, le=600)  # ASVS 6.5.5: at most 10 minutes
    otp_max_attempts: int = Field(3, ge=1, le=10)
    session_ttl_seconds: int = 30 * 24 * 3600  # absolute lifetime (ASVS 7.3.2)
    session_idle_seconds: int = 7 * 24 * 3600  # inactivity timeout (ASVS 7.3.1)
    # How stale `lastSeenAt` may get before a request refreshes it: keeps reads free of writes.
    session_touch_seconds: int = 300
    # How long a process trusts a sign-in check it read (auth/remembered.py): what changes
    # through another process (a sign-out, a ban) applies here within this; 0 reads every time.
    session_cache_seconds: float = Field(2.0, ge=0, le=10)
    reauth_max_age_seconds: int = 600

    rate_limit_enabled: bool = True
    # Code requests for one address from all networks: the ceiling that bounds code guessing.
    rate_otp_request_email: RateRule = (10, 900)
    rate_otp_request_ip: RateRule = (30, 3600)  # code requests from one network, any addresses
    # Sign-in attempts for one address from all networks: past it, failing networks get no free
    # failures (it never blocks a network that has not failed for the address).
    rate_login_email: RateRule = (100, 3600)
    rate_login_ip: RateRule = (60, 900)  # sign-in attempts from one network, any addresses
    # Sign-in throttling per address and network (docs/security.md, "Brute force and lockout"):
    # code requests per address from one network; failures allowed at once, then a wait that
    # doubles from 1 s up to the cap; a run of failures is forgotten this long after the last.
    rate_otp_request_email_ip: RateRule = (5, 3600)
    login_free_failures: int = Field(5, ge=0, le=1000)
    login_backoff_cap_seconds: int = Field(900, ge=1, le=24 * 3600)
    login_failure_memory_seconds: int = Field(24 * 3600, ge=60)
    # A network an account signed in from stays its owner's (past the per-address ceilings) this
    # long after the last sign-in there.
    known_network_days: int = Field(90, ge=1, le=3650)
    # Anonymous writes (analytics) per client network.
    rate_analytics_ip: RateRule = (60, 60)
    # New sudoku per user (each may cost up to the generator's 1.5 s of CPU: docs/mind.md).
    rate_sudoku_new_user: RateRule = (60, 600)
    # A person's own export per user (it reads every row and file of theirs: docs/export.md).
    rate_export_user: RateRule = (5, 3600)

    # Analytics (docs/operations.md, "Analytics"): raw events are deleted after this many days
    # (their counts stay in the rollups); who was active on which day, after `..._active_days`.
    analytics_retention_days: int = Field(90, ge=1, le=3650)
    analytics_active_days: int = Field(400, ge=1, le=3650)
    # True keeps the caller's full address with each event (default: its /24 or /48).
    analytics_full_ip: bool = False
    # Writes (POST, PUT, PATCH, DELETE) of one signed-in user (docs/security.md, "Write limits"):
    # per route family (a table, or a module's own routes), and over all families together.
    rate_write_user_family: RateRule = (600, 60)
    rate_write_user: RateRule = (1200, 60)

    cleanup_interval_seconds: int = 3600
    # `/metrics` (docs/operations.md, "Metrics"): served only when set, to `Bearer <token>`.
    metrics_token: SecretStr = SecretStr("")
    # The change log is kept this long: a live client may resume from any sequence inside it.
    change_log_retention_seconds: int = Field(24 * 3600, ge=60)

    # Backups (docs/operations.md, "Backups and restore"): with a directory set, the server takes
    # one every `backup_interval_hours` and keeps the newest `backup_keep`, none older than
    # `backup_max_age_days` (the newest is always kept). Empty: no backups taken by the server.
    backup_dir: str = ""
    backup_keep: int = Field(7, ge=1)
    backup_max_age_days: float = Field(30.0, gt=0)
    backup_interval_hours: float = Field(24.0, gt=0)

    # Uploaded files (docs/operations.md): empty for `<data_dir>/files`, a directory, or
    # `s3://bucket/prefix` with the S3 settings below (credentials may also come from AWS_* vars).
    storage_url: str = ""
    storage_s3_endpoint_url: str = ""  # for MinIO, Ceph, R2...; empty for AWS
    storage_s3_region: str = ""
    storage_s3_access_key_id: str = ""
    storage_s3_secret_access_key: SecretStr = SecretStr("")
    max_upload_mb: int = Field(100, ge=1, le=10_000)
    # Images (progress photos, docs/files.md): the file's size, and its pixels (width x height,
    # read from its header before decoding: a small file may declare a huge canvas).
    max_image_mb: int = Field(25, ge=1, le=10_000)
    max_image_pixels: int = Field(50_000_000, ge=1, le=170_000_000)
    signed_link_seconds: int = Field(600, ge=10, le=7 * 24 * 3600)  # file links without a token
    # Request bodies (docs/api.md): refused while they arrive, before anything parses them.
    # A document route takes `body_limit_kb` unless its table declares more; the sign-in routes,
    # analytics and any request without credentials `body_limit_anonymous_kb`; uploads
    # `max_upload_mb`. A body must arrive within `body_timeout_seconds` of its first read, plus
    # one second per `body_min_bytes_per_second` received (a stall or a trickle answers 408).
    body_limit_kb: int = Field(1024, ge=16, le=1024 * 1024)
    body_limit_anonymous_kb: int = Field(64, ge=1, le=1024 * 1024)
    body_timeout_seconds: float = Field(30.0, gt=0)
    body_min_bytes_per_second: int = Field(1024, ge=1)

    # The gamification engine (docs/gamification.md): scores the change log in every process.
    gamification_enabled: bool = True
    gamification_poll_seconds: float = Field(2.0, gt=0)  # other processes' commits

    # FSRS spreads review dates a little (as Anki does) so cards learnt together drift apart.
    fsrs_fuzzing: bool = True

    # Anki import limits (docs/study.md): per import; a package over one is refused whole.
    anki_max_cards: int = Field(20_000, ge=1)
    anki_max_notes: int = Field(20_000, ge=1)
    anki_max_media_files: int = Field(20_000, ge=0)  # counted in the archive, never unpacked
    anki_max_reviews: int = Field(500_000, ge=0)  # rows of the review log
    anki_max_collection_mb: int = Field(200, ge=1)  # the collection once inflated
    anki_import_seconds: float = Field(60.0, gt=0)  # reading and writing, all of it

    # Workout imports from Strong and Hevy (docs/fitness.md): per file; a file over one is
    # refused whole (413 for its size, 422 for its rows).
    workout_import_max_mb: int = Field(20, ge=1)
    workout_import_max_rows: int = Field(100_000, ge=1)
    # csTimer imports (docs/mind.md, "Cubing"): per file, refused whole over either.
    cube_import_max_mb: int = Field(20, ge=1)
    cube_import_max_solves: int = Field(100_000, ge=1)
    # The AI coach's daily quotas by plan (docs/ai.md, "Quotas"): requests to the model and
    # tokens (prompt and reply) per user per day of their time zone. Offline answers are free.
    ai_requests_per_day_free: int = Field(20, ge=0)
    ai_requests_per_day_basic: int = Field(200, ge=0)
    ai_requests_per_day_premium: int = Field(2000, ge=0)
    ai_tokens_per_day_free: int = Field(50_000, ge=0)
    ai_tokens_per_day_basic: int = Field(500_000, ge=0)
    ai_tokens_per_day_premium: int = Field(5_000_000, ge=0)

    # Realtime (docs/realtime.md).
    realtime_queue_size: int = Field(1000, ge=10)  # messages waiting for one slow client
    realtime_connections_per_user: int = Field(10, ge=1)  # per server process
    realtime_heartbeat_seconds: float = Field(25.0, gt=0)
    realtime_idle_timeout_seconds: float = Field(90.0, gt=0)  # no message from the client
    realtime_auth_timeout_seconds: float = Field(10.0, gt=0)  # to send the `auth` message
    realtime_session_check_seconds: float = Field(5.0, gt=0)  # revoked/expired sessions leave
    realtime_poll_seconds: float = Field(1.0, gt=0)  # PostgreSQL: log poll besides NOTIFY
    realtime_backlog_limit: int = Field(10_000, ge=100)  # a longer resume takes a snapshot
    # Proxies whose X-Forwarded-For is believed (given to uvicorn); client IPs feed rate limits.
    forwarded_allow_ips: str = "127.0.0.1"

    # The AI coach's model (docs/ai.md, "Providers"): any server speaking OpenAI's chat
    # completions (OpenAI, Ollama, llama.cpp, vLLM). No base URL and no model: the offline default.
    ai_base_url: str = ""  # e.g. http://127.0.0.1:11434/v1 (Ollama); empty with a model: OpenAI
    ai_api_key: SecretStr = SecretStr("")  # local servers need none
    ai_model: str = ""
    ai_timeout_seconds: float = Field(60.0, gt=0)  # connecting, and each wait for the next bytes
    ai_max_retries: int = Field(2, ge=0, le=10)  # on refused connections, timeouts, 429 and 5xx
    ai_embeddings_model: str = ""  # empty: research mode ranks without embeddings

    @field_validator(
        "rate_otp_request_email",
        "rate_otp_request_ip",
        "rate_login_email",
        "rate_login_ip",
        "rate_otp_request_email_ip",
        "rate_analytics_ip",
        "rate_sudoku_new_user",
        "rate_export_user",
        "rate_write_user_family",
        "rate_write_user",
        mode="before",
    )
    @classmethod
    def _rate(cls, value: object) -> tuple[int, int]:
        return _parse_rate(value)

    @cached_property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'whitecell.db').as_posix()}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def otp_ttl(self) -> timedelta:
        return timedelta(seconds=self.otp_ttl_seconds)

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @cached_property
    def secret(self) -> bytes:
        """The server secret: configured, or generated once and kept beside the data."""
        configured = self.secret_key.get_secret_value()
        if configured:
            return configured.encode()
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            # O_EXCL: two processes starting together must not write two different keys.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_urlsafe(48))
        return path.read_text().strip().encode()


def get_settings() -> Settings:
    return Settings()
