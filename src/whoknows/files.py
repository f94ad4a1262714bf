"""Files whoknows writes: complete or not at all, durable, and private to the user.

Every file appears at its path whole (written to a temporary file beside it, flushed to disk,
then renamed over the target), readable by its owner only (0600, in folders made 0700). A
temporary file left by a process that was killed is removed the next time that file is written.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal, overload

from whoknows.errors import DiskFull, UserError

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
PRIVATE_UMASK = 0o077  # set at start: the database, its WAL/SHM and caches are private too
_TEMP_SUFFIX = ".tmp"


def private_umask() -> None:
    """Files and folders made from now on by this process are its user's alone."""
    os.umask(PRIVATE_UMASK)


def private_folder(path: Path) -> Path:
    """Make PATH (and missing parents) as folders only the user can open."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    except OSError as exc:
        raise file_error(exc, path, "create the folder") from exc
    return path


def file_error(exc: OSError, path: Path, doing: str) -> UserError:
    """An OSError as one line that says what, where and what to do (never a traceback)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(path)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return UserError(
            f"cannot {doing} {path}: permission denied", hint="choose a place you can write to"
        )
    reason = exc.strerror or type(exc).__name__
    return UserError(f"cannot {doing} {path}: {reason}", hint="check the path and try again")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temps(path: Path) -> list[Path]:
    """Remove the temporary files of PATH left by processes that no longer run (and what a
    temporary SQLite file had beside it: -wal, -shm, lock files)."""
    removed = []
    for temp in path.parent.glob(f".{path.name}.*{_TEMP_SUFFIX}*"):
        pid = temp.name[len(path.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                temp.unlink()
                removed.append(temp)
    return removed


def _temp_beside(path: Path) -> Path:
    remove_stale_temps(path)
    return path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{_TEMP_SUFFIX}"


@contextmanager
def built_beside(path: Path) -> Iterator[Path]:
    """A temporary path beside PATH to build a file at (a SQLite database, say); moved over
    PATH when the block ends without error, removed (with its side files) otherwise."""
    temp = _temp_beside(path)
    try:
        yield temp
        os.replace(temp, path)
        _sync_folder(path.parent)
        _remove_with_side_files(temp)  # what the database kept beside it (WAL, lock files)
    except OSError as exc:
        _remove_with_side_files(temp)
        raise file_error(exc, path, "write") from exc
    except BaseException:
        _remove_with_side_files(temp)
        raise


def _remove_with_side_files(temp: Path) -> None:
    for found in temp.parent.glob(f"{temp.name}*"):
        with contextlib.suppress(OSError):
            found.unlink()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


@overload
def atomic_write(
    path: Path,
    *,
    binary: Literal[False] = False,
    compress: bool = False,
    mode: int = PRIVATE_FILE,
    verify: Callable[[Path], None] | None = None,
) -> contextlib.AbstractContextManager[IO[str]]: ...
@overload
def atomic_write(
    path: Path,
    *,
    binary: Literal[True],
    compress: bool = False,
    mode: int = PRIVATE_FILE,
    verify: Callable[[Path], None] | None = None,
) -> contextlib.AbstractContextManager[IO[bytes]]: ...
def atomic_write(
    path: Path,
    *,
    binary: bool = False,
    compress: bool = False,
    mode: int = PRIVATE_FILE,
    verify: Callable[[Path], None] | None = None,
) -> contextlib.AbstractContextManager[IO[Any]]:
    """A file that appears at PATH complete, or not at all (UTF-8 text unless BINARY).

    COMPRESS writes gzip. VERIFY, when given, reads the finished temporary file back and
    raises if it is not what was meant; the target is then left as it was.
    """
    return _atomic(path.expanduser(), binary=binary, compress=compress, mode=mode, verify=verify)


@contextmanager
def _atomic(
    path: Path,
    *,
    binary: bool,
    compress: bool,
    mode: int,
    verify: Callable[[Path], None] | None,
) -> Iterator[IO[Any]]:
    if path.is_dir():
        raise UserError(f"{path} is a folder", hint="give a file name")
    if not path.parent.is_dir():
        raise UserError(f"folder {path.parent} does not exist", hint="create it first")
    temp = _temp_beside(path)
    try:
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except OSError as exc:
        raise file_error(exc, path, "write") from exc
    try:
        with os.fdopen(handle, "wb") as raw:
            if compress:
                with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as zipped:
                    yield from _stream(zipped, binary)
            else:
                yield from _stream(raw, binary)
            raw.flush()
            os.fsync(raw.fileno())
        if verify is not None:
            verify(temp)
        os.chmod(temp, mode)  # the mode asked for, whatever the umask
        os.replace(temp, path)
        _sync_folder(path.parent)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise file_error(exc, path, "write") from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _stream(raw: Any, binary: bool) -> Iterator[IO[Any]]:
    if binary:
        yield raw
        return
    import io

    text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    try:
        yield text
        text.flush()
    finally:
        text.detach()  # leave RAW open: the caller flushes and syncs it
