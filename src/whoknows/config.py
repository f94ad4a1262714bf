"""Typed settings from the environment and config.toml in the user's config folder."""

from __future__ import annotations

import copy
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from whoknows.errors import UserError

APP_NAME = "whoknows"


@dataclass(frozen=True)
class Settings:
    """Where the data lives and how input is read; built by load_settings, never at import."""

    database_url: str
    data_dir: Path
    config_dir: Path
    phone_region: str | None = None


def database_url_from(value: str) -> str:
    """Accept a SQLAlchemy URL or a plain file path (taken as a SQLite file)."""
    if "://" in value:
        if value.startswith("postgres://") or value.startswith("postgresql://"):
            # psycopg 3 is the driver we ship: name it, or SQLAlchemy looks for psycopg2.
            value = "postgresql+psycopg://" + value.split("://", 1)[1]
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def load_settings(database: str | None = None) -> Settings:
    """Settings from (highest first) the --db value, the environment, config.toml, defaults."""
    data_dir = Path(os.environ.get("WHOKNOWS_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))
    config_dir = Path(
        os.environ.get("WHOKNOWS_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME)
    )
    file_values = _read_config_file(config_dir / "config.toml")
    url = (
        database
        or os.environ.get("WHOKNOWS_DATABASE_URL")
        or _str_or_none(file_values.get("database_url"))
    )
    default_url = f"sqlite:///{data_dir / 'whoknows.db'}"
    region = os.environ.get("WHOKNOWS_PHONE_REGION") or _str_or_none(
        file_values.get("phone_region")
    )
    return Settings(
        database_url=database_url_from(url) if url else default_url,
        data_dir=data_dir,
        config_dir=config_dir,
        phone_region=region.upper() if region else None,
    )


def read_config(settings: Settings) -> dict[str, object]:
    """The tables of config.toml in the config folder (empty when there is no file)."""
    return _read_config_file(settings.config_dir / "config.toml")


# The parsed file per path, with the (size, mtime) it was parsed at: read once per process,
# and again only when the file changes (a running server sees an edit at its next request).
_parsed: dict[Path, tuple[tuple[int, int], dict[str, object]]] = {}


def _read_config_file(path: Path) -> dict[str, object]:
    try:
        found = path.stat()
    except OSError:
        return {}
    if not path.is_file():
        return {}
    stamp = (found.st_size, found.st_mtime_ns)
    cached = _parsed.get(path)
    if cached is not None and cached[0] == stamp:
        return copy.deepcopy(cached[1])  # a caller's change never reaches the next one
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: not valid TOML ({exc})", hint="fix or remove the file") from exc
    _parsed[path] = (stamp, values)
    return copy.deepcopy(values)


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
