"""config.toml is parsed once per process, and again only when the file changes."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from whoknows.config import load_settings, read_config
from whoknows.errors import UserError


def test_the_file_is_parsed_once_and_again_when_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(f"sqlite:///{tmp_path / 'x.db'}")
    settings.config_dir.mkdir(parents=True, exist_ok=True)
    path = settings.config_dir / "config.toml"
    path.write_text('currency = "EUR"\n', encoding="utf-8")
    parsed: list[str] = []
    real = tomllib.loads

    def counting(text: str) -> dict[str, object]:
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(tomllib, "loads", counting)
    assert read_config(settings)["currency"] == "EUR"
    assert read_config(settings)["currency"] == "EUR"
    assert len(parsed) == 1

    read_config(settings)["currency"] = "changed by a caller"
    assert read_config(settings)["currency"] == "EUR"

    path.write_text('currency = "GBP"\n[plan]\ncapacity = 7\n', encoding="utf-8")
    stamp = path.stat()
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000))
    assert read_config(settings) == {"currency": "GBP", "plan": {"capacity": 7}}
    assert len(parsed) == 2

    path.write_text("currency = \n", encoding="utf-8")
    with pytest.raises(UserError, match="not valid TOML"):
        read_config(settings)
    path.unlink()
    assert read_config(settings) == {}
