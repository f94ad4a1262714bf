"""Web security: where the server may bind, the access token, CSRF tokens, secrets, headers."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
from pathlib import Path

from whoknows.config import Settings
from whoknows.errors import UserError

CSRF_COOKIE = "wk_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
ACCESS_ENV = "WHOKNOWS_ACCESS_TOKEN"

# No inline script anywhere: scripts come from /static only. Inline styles are allowed
# because the report's matplotlib SVG charts carry style attributes.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "SAMEORIGIN",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cross-origin-opener-policy": "same-origin",
}


def is_loopback(host: str) -> bool:
    """Whether HOST names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, access_token: str | None) -> None:
    """Refuse to listen beyond this machine unless an access token protects the app."""
    if not is_loopback(host) and not access_token:
        raise UserError(
            f"refusing to serve on {host}: anyone on the network could read your contacts",
            hint=f"set {ACCESS_ENV} to a long random secret first, or bind to 127.0.0.1",
        )


def _secret_file(path: Path) -> str:
    """A random secret kept in PATH (created 0600 on first use)."""
    if path.is_file():
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(value + "\n")
    return value


def signing_key(settings: Settings) -> bytes:
    """The key that signs CSRF tokens, kept in the data folder so tokens survive a restart."""
    return _secret_file(settings.data_dir / "web-secret").encode()


def calendar_token(settings: Settings) -> str:
    """The secret in the calendar subscription URL (created on first use)."""
    return _secret_file(settings.data_dir / "calendar-token")


def rotate_calendar_token(settings: Settings) -> str:
    """A new calendar token: the old subscription URL stops working."""
    (settings.data_dir / "calendar-token").unlink(missing_ok=True)
    return calendar_token(settings)


def new_csrf_token(key: bytes) -> str:
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_sign(key, nonce)}"


def valid_csrf_token(key: bytes, token: str | None) -> bool:
    if not token or token.count(".") != 1:
        return False
    nonce, signature = token.split(".")
    return hmac.compare_digest(signature, _sign(key, nonce))


def csrf_matches(key: bytes, cookie: str | None, sent: str | None) -> bool:
    """The double submit: the form (or header) sends the cookie's signed token back."""
    return (
        valid_csrf_token(key, cookie)
        and sent is not None
        and hmac.compare_digest(cookie or "", sent)
    )


def same_secret(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def _sign(key: bytes, nonce: str) -> str:
    return hmac.new(key, nonce.encode(), hashlib.sha256).hexdigest()[:32]
