"""Configuration from the environment (prefix ``ASAMBLEA_``), with safe defaults for the demo."""

from __future__ import annotations

import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_LENGTH = 32


class Environment(StrEnum):
    """Development (the demo) or production (a real federation's server)."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Every setting Asamblea reads. See docs/operating.md for each one."""

    model_config = SettingsConfigDict(env_prefix="ASAMBLEA_", extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    instance_dir: Path = Path("instance")
    database_url: str = ""
    secret_key: SecretStr | None = None
    default_locale: str = "es"
    session_days: int = Field(default=14, ge=1, le=365)
    login_attempts_per_account: int = Field(default=5, ge=1)
    login_attempts_per_address: int = Field(default=30, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
    login_attempts_per_pair: int = Field(default=5, ge=1)
    login_delay_seconds: float = Field(default=1.0, ge=0, le=60)
    login_max_delay_seconds: float = Field(default=10.0, ge=0, le=120)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, le=1024**3)
    secure_cookies: bool = False
    source_url: str = ""
    # The runner (issue #11, docs/operating.md "The runner"): on in `asamblea serve` by default.
    runner: bool = True
    runner_interval_seconds: float = Field(default=5.0, gt=0, le=3600)
    runner_batch: int = Field(default=100, ge=1, le=10_000)
    # Webhooks (docs/feeds-and-webhooks.md): private and loopback targets are refused unless
    # allowed (the tests allow them to reach a receiver on the loopback).
    webhooks_allow_private: bool = False
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # Mail (issue #11, docs/operating.md "Mail"): off while smtp_host is empty.
    # https://host of this server, for links in mail, feeds and webhooks (empty: feeds use the
    # address they are reached at, mail the loopback)
    public_url: str = ""
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65_535)
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_username: str = ""
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    mail_from: str = ""
    mail_batch: int = Field(default=100, ge=1, le=10_000)
    smtp_connections: int = Field(default=2, ge=1, le=20)

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.instance_dir / 'asamblea.sqlite3'}"
        if self.env is Environment.PRODUCTION:
            key = self.secret_key.get_secret_value() if self.secret_key else ""
            if len(key) < MIN_SECRET_LENGTH:
                msg = (
                    "ASAMBLEA_SECRET_KEY must be set to at least "
                    f"{MIN_SECRET_LENGTH} random characters in production "
                    "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
                )
                raise ValueError(msg)
        return self

    def secret(self) -> str:
        """The signing key: the configured one, or (development only) one kept in instance/."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.instance_dir / "secret_key"
        if not path.exists():
            self.instance_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
