"""A throwaway PostgreSQL primary and a streaming replica of it, for the read-replica test.

Both clusters live in a temporary folder on ports of their own: the test never touches the
machine's own server or its configuration. The replica is made the way an operator makes one:
`pg_basebackup --write-recovery-conf` from the running primary, then started in hot standby.
The server binaries come from `pg_config --bindir` or Debian's /usr/lib/postgresql/N/bin; run
as root, every step runs as the postgres user (initdb refuses root).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Pair:
    primary_url: str
    replica_url: str


def server_binaries() -> Path | None:
    """The folder holding initdb, pg_ctl and pg_basebackup, or None when there is none."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if found.returncode == 0:
            candidates.append(Path(found.stdout.strip()))
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    candidates.extend(debian)
    for folder in candidates:
        if all((folder / tool).exists() for tool in ("initdb", "pg_ctl", "pg_basebackup")):
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    return ["runuser", "-u", "postgres", "--", *args]


def _run(args: list[str]) -> None:
    done = subprocess.run(_as_postgres(args), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stderr.strip()[-500:]}")


def _wait_ready(bindir: Path, port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready = subprocess.run(
            [str(bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port), "-q"],
            capture_output=True,
        )
        if ready.returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError(f"the cluster on port {port} did not start")


@contextmanager
def primary_and_replica() -> Iterator[Pair]:
    """Start a primary and its streaming replica in a temporary folder; stop and remove both
    on the way out. The folder is made here, not under pytest's: run as root, the postgres
    user must own it, and pytest's folders are closed to other users."""
    bindir = server_binaries()
    if bindir is None:
        raise RuntimeError("no PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup)")
    root = Path(tempfile.mkdtemp(prefix="whoknows-replica-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    primary, replica = root / "primary", root / "replica"
    primary_port, replica_port = _free_port(), _free_port()
    started: list[Path] = []
    try:
        _run([str(bindir / "initdb"), "-D", str(primary), "-U", "postgres", "-A", "trust"])
        options = f"-p {primary_port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        _run([str(bindir / "pg_ctl"), "-D", str(primary), "-o", options, "-l",
              str(root / "primary.log"), "-w", "start"])  # fmt: skip
        started.append(primary)
        _wait_ready(bindir, primary_port)
        _run([str(bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary_port),
              "-U", "postgres", "-D", str(replica), "--write-recovery-conf",
              "--wal-method=stream"])  # fmt: skip
        options = f"-p {replica_port} -k {root} -c listen_addresses=127.0.0.1 -c hot_standby=on"
        _run([str(bindir / "pg_ctl"), "-D", str(replica), "-o", options, "-l",
              str(root / "replica.log"), "-w", "start"])  # fmt: skip
        started.append(replica)
        _wait_ready(bindir, replica_port)
        yield Pair(
            primary_url=f"postgresql+psycopg://postgres@127.0.0.1:{primary_port}/postgres",
            replica_url=f"postgresql+psycopg://postgres@127.0.0.1:{replica_port}/postgres",
        )
    finally:
        for data in reversed(started):
            subprocess.run(
                _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(root, ignore_errors=True)
