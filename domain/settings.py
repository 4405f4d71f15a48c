"""Configuration read from the environment (12-factor): nothing is kept in the API process."""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    env: str = "development"
    # The embedded default: a SQLite file in the working directory.
    database_url: str = "sqlite:///./tadrib.db"
    # Bodies above this size are refused with 413 before they are parsed.
    max_body_bytes: int = 1_048_576
    default_page_size: int = 50
    max_page_size: int = 200
    # Development keys live outside the repository (issue 3 uses them).
    key_dir: Path = Path.home() / ".config" / "tadrib" / "keys"

    @property
    def is_production(self) -> bool:
        return self.env.lower() == "production"


@lru_cache
def get_settings() -> Settings:
    return Settings()
