"""The snapshot on disk: one ``.npy`` file per array, memory-mapped when read, and a meta file.

Files are checked when written, not when read: opening a snapshot maps its arrays and reads
none of them, so a command pays for the pages its query touches. A new state writes only the
arrays that changed (an update after a ``log`` rewrites the strengths, not the structure) and
then replaces ``meta.json`` in one rename, so readers see the old state or the new one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FORMAT = 4  # bumped whenever the files' meaning changes; older files are ignored
META = "meta.json"
_STALE_SECONDS = 120  # unreferenced files older than this are removed (no writer still needs them)


def folder(data_dir: Path, database_url: str, owner: int) -> Path:
    digest = hashlib.sha1(database_url.encode()).hexdigest()[:16]
    return data_dir / "cache" / f"graph-{digest}-{owner}"


@dataclass(frozen=True)
class Stored:
    """What one folder holds: the meta (small values) and the arrays (memory-mapped)."""

    meta: dict[str, Any]
    arrays: dict[str, npt.NDArray[Any]]


def read(where: Path) -> Stored | None:
    """The stored state, or None when there is none or it is unusable (then it is rebuilt)."""
    for _attempt in range(2):  # a writer may remove old files between our two reads
        try:
            meta = json.loads((where / META).read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT:
                return None
            arrays = {
                name: np.load(where / file, mmap_mode="r", allow_pickle=False)
                for name, file in meta["arrays"].items()
            }
        except FileNotFoundError:
            continue
        except (OSError, KeyError, ValueError, TypeError):
            return None
        return Stored(meta, arrays)
    return None


def write(
    where: Path, meta: dict[str, Any], arrays: dict[str, npt.NDArray[Any]], previous: Stored | None
) -> Stored | None:
    """Store a new state; arrays that are still the previous state's files are not written again.

    Best effort: a cache that cannot be written only costs a rebuild next time.
    """
    token = f"{meta.get('counter', 0)}-{secrets.token_hex(4)}"
    files: dict[str, str] = {}
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        for name, array in arrays.items():
            reused = _same_file(previous, name, array)
            if reused is not None:
                files[name] = reused
                continue
            files[name] = f"{name}-{token}.npy"
            _write_private(where / files[name], lambda out, a=array: np.save(out, a))
        text = json.dumps({**meta, "format": FORMAT, "arrays": files}, ensure_ascii=False)
        tmp = where / f".{META}-{token}"
        _write_private(tmp, lambda out: out.write(text.encode("utf-8")))
        os.replace(tmp, where / META)
    except OSError:
        for file in files.values():
            if file.endswith(f"-{token}.npy"):
                with contextlib.suppress(OSError):
                    (where / file).unlink()
        return None
    stored = read(where)
    # What the previous state used goes now (readers that mapped it keep their pages); files
    # nobody refers to go once old (a writer that failed, or raced with this one).
    keep = set(stored.meta["arrays"].values()) if stored is not None else set(files.values())
    _remove_stale(where, keep, set(previous.meta["arrays"].values()) if previous else set())
    return stored


def _same_file(previous: Stored | None, name: str, array: npt.NDArray[Any]) -> str | None:
    if previous is None or name not in previous.arrays:
        return None
    old = previous.arrays[name]
    if old.shape == array.shape and old.dtype == array.dtype and np.may_share_memory(old, array):
        return str(previous.meta["arrays"][name])
    return None


def _write_private(path: Path, fill: Any) -> None:
    # 0600: the graph of someone's network is theirs alone (like the database itself).
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as out:
        fill(out)


def _remove_stale(where: Path, keep: set[str], replaced: set[str]) -> None:
    cutoff = time.time() - _STALE_SECONDS
    for path in where.iterdir():
        if path.name == META or path.name in keep:
            continue
        with contextlib.suppress(OSError):
            if path.name in replaced or path.stat().st_mtime < cutoff:
                path.unlink()
