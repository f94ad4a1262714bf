"""Who may talk to the server: requests for its own host names, from its own pages, by the user
holding its secret (DNS rebinding, cross-site requests and other local users are kept out)."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from whoknows import files
from whoknows.web.security import is_loopback

TOKEN_PARAM = "access_token"
HOSTS_ENV = "WHOKNOWS_ALLOWED_HOSTS"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SERVER_FILE = "server.json"  # the running server's URL and secret, for the same user's scripts
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def host_of(header: str | None) -> str | None:
    """The host name of a Host header or a URL's netloc, without port or brackets, lower case."""
    if not header:
        return None
    value = header.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        return value[1:end] if end > 0 else None
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value or None


def allowed_hosts(bind: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The names the server answers to: the address it binds and the names configured."""
    names = {host_of(bind) or bind}
    if is_loopback(bind):
        names.update(LOOPBACK_NAMES)
    from_env = os.environ.get(HOSTS_ENV, "")
    for name in [*extra, *from_env.split(",")]:
        clean = host_of(name.strip())
        if clean:
            names.add(clean)
    names.discard("0.0.0.0")  # a wildcard bind is not a name anyone types
    names.discard("::")
    return frozenset(names)


@dataclass(frozen=True)
class Access:
    """The per-run secret and the host names of one server."""

    secret: str
    hosts: frozenset[str]

    @classmethod
    def make(cls, bind: str, secret: str | None, extra_hosts: Iterable[str] = ()) -> Access:
        return cls(secret or secrets.token_urlsafe(32), allowed_hosts(bind, extra_hosts))

    def host_allowed(self, header: str | None) -> bool:
        """DNS rebinding: a page of evil.example resolving to 127.0.0.1 still says evil.example."""
        return "*" in self.hosts or host_of(header) in self.hosts

    @staticmethod
    def same_origin(method: str, own: str, origin: str | None, referer: str | None) -> bool:
        """Whether an unsafe request comes from this server's own pages, OWN being its origin
        ("http://127.0.0.1:8000"); or from no page at all: scripts send neither Origin nor
        Referer, and prove themselves with the secret."""
        if method.upper() in SAFE_METHODS:
            return True
        source = origin if origin is not None else referer
        if source is None:
            return True
        if source.strip() == "null":
            return False
        parts = urlsplit(source.strip())
        return f"{parts.scheme}://{parts.netloc}".lower() == own.lower()

    def session_value(self) -> str:
        """What the session cookie holds: derived from the secret, never the secret itself."""
        return hmac.new(self.secret.encode(), b"whoknows-session", hashlib.sha256).hexdigest()

    def is_secret(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(self.secret.encode(), given.encode())

    def is_session(self, cookie: str | None) -> bool:
        return cookie is not None and hmac.compare_digest(self.session_value(), cookie)


def cookie_name(port: int | None) -> str:
    """One cookie per port: two servers on one machine do not sign each other out."""
    return f"wk_session_{port}" if port else "wk_session"


def bearer(header: str | None) -> str | None:
    if not header or not header.lower().startswith("bearer "):
        return None
    return header[7:].strip() or None


@contextlib.contextmanager
def published(data_dir: Path, url: str, secret: str) -> Iterator[Path]:
    """Write the server's URL and secret (0600) in the data folder while it runs, then remove it."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = data_dir / SERVER_FILE
    with files.atomic_write(target) as out:  # 0600: it holds the secret
        json.dump({"url": url, "token": secret, "pid": os.getpid()}, out, indent=2)
        out.write("\n")
    try:
        yield target
    finally:
        # Only our own file: another server started since may have replaced it.
        with contextlib.suppress(OSError, ValueError):
            if json.loads(target.read_text(encoding="utf-8")).get("token") == secret:
                target.unlink()
