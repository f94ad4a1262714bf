"""What whoknows is set to, from the environment and config.toml: one view for the CLI and web."""

from __future__ import annotations

from dataclasses import dataclass

from whoknows.config import Settings
from whoknows.services import plan
from whoknows.services.money import default_currency
from whoknows.storage.engine import display


@dataclass(frozen=True)
class Configuration:
    database: str
    data_dir: str
    config_file: str
    currency: str  # of amounts typed without one (`currency` in config.toml)
    phone_region: str | None  # of phone numbers typed without a country code
    plan_capacity: int  # follow-ups a week holds ([plan] capacity)


def current(settings: Settings) -> Configuration:
    """The settings in force (a bad value in config.toml is reported, as every command does)."""
    return Configuration(
        database=display(settings.database_url),
        data_dir=str(settings.data_dir),
        config_file=str(settings.config_dir / "config.toml"),
        currency=default_currency(settings),
        phone_region=settings.phone_region,
        plan_capacity=plan.capacity(settings),
    )
