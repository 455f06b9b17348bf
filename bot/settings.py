"""The one Settings object: environment variables (and a `.env` file), validated at start-up."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from actions.config import ConversationConfig

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "placeholder", "dev"})
LOCAL_SECRET_FILE = Path(".safercity") / "secret_key"


def _local_secret() -> str:
    """A secret generated once and kept on disk, for local development only."""
    if LOCAL_SECRET_FILE.exists():
        return LOCAL_SECRET_FILE.read_text(encoding="utf-8").strip()
    LOCAL_SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    LOCAL_SECRET_FILE.write_text(value, encoding="utf-8")
    LOCAL_SECRET_FILE.chmod(0o600)
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    safercity_env: Literal["development", "production"] = "development"
    safercity_database_url: str = "sqlite:///safercity.db"
    safercity_public_url: str = "http://127.0.0.1:8000"
    safercity_secret_key: str = ""
    safercity_default_city: str = "Belmopan"
    safercity_nlu_engine: Literal["embedded", "rasa"] = "embedded"
    safercity_emergency_number: str = "911"
    safercity_helpline_violence: str = ""
    safercity_helpline_harassment: str = ""
    safercity_helpline_trafficking: str = ""
    safercity_idle_hours: float = Field(default=6.0, gt=0)
    safercity_log_level: str = "INFO"
    rasa_url: str = "http://127.0.0.1:5005"
    safercity_geocoder: Literal["offline", "nominatim"] = "offline"
    safercity_nominatim_user_agent: str | None = None
    # Staff map tiles: none (district outlines only) unless a tile URL is configured.
    safercity_map_tile_url: str | None = None
    safercity_map_tile_attribution: str = ""

    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_sms_from: str | None = None
    twilio_whatsapp_from: str | None = None

    telegram_bot_token: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org"

    # Channels in production (issue 5): Twilio's REST root (tests point it at a local fake),
    # the approved WhatsApp template (content SID) used outside the 24-hour session window,
    # where fetched photos are kept, the outbox worker inside `serve`, the flood limit.
    twilio_api_base_url: str = "https://api.twilio.com"
    twilio_whatsapp_template_sid: str | None = None
    safercity_media_dir: str = "media"
    safercity_outbox_worker: bool = True
    safercity_rate_limit_per_minute: int = Field(default=20, ge=1)

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.safercity_secret_key.strip().lower() in PLACEHOLDER_SECRETS:
            if self.safercity_env == "production":
                raise ValueError(
                    "SAFERCITY_SECRET_KEY is unset or a placeholder: set a long random value"
                )
            self.safercity_secret_key = _local_secret()
        if self.telegram_bot_token and not self.telegram_webhook_secret:
            raise ValueError("TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_BOT_TOKEN is set")
        self.safercity_public_url = self.safercity_public_url.rstrip("/")
        self.telegram_api_base_url = self.telegram_api_base_url.rstrip("/")
        self.twilio_api_base_url = self.twilio_api_base_url.rstrip("/")
        return self

    @property
    def twilio_enabled(self) -> bool:
        return bool(self.twilio_auth_token)

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @cached_property
    def conversation(self) -> ConversationConfig:
        helplines = {
            code: number
            for code, number in {
                "violence": self.safercity_helpline_violence,
                "harassment": self.safercity_helpline_harassment,
                "human_trafficking": self.safercity_helpline_trafficking,
            }.items()
            if number
        }
        return ConversationConfig(
            secret_key=self.safercity_secret_key,
            emergency_number=self.safercity_emergency_number,
            helplines=helplines,
            default_city=self.safercity_default_city,
            idle_hours=self.safercity_idle_hours,
        )
