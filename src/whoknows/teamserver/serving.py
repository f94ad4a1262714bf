"""How `whoknows team serve` runs uvicorn: the HTTP protocol its workers speak.

With more than one worker, uvicorn hands each worker the listening socket, and asyncio then
skips TCP_NODELAY on the connections it accepts (it sets it only on sockets whose protocol
number says TCP, which a socket passed between processes does not). Nagle's algorithm then
holds an answer's last small write until the client acknowledges the one before, and the
client waits up to 40 ms to acknowledge: each answer on a kept-alive connection took ~45 ms
more than its work (measured: who-knows 10 ms with one worker, 56 ms with two). So each
connection sets TCP_NODELAY itself, as asyncio does for sockets it opened.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


def no_delay(transport: asyncio.BaseTransport) -> None:
    """Send small writes at once on a TCP connection (nothing on other transports)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayH11(H11Protocol):
    """uvicorn's h11 protocol, on connections with TCP_NODELAY set."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        no_delay(transport)
        super().connection_made(transport)


HTTP = f"{__name__}:NoDelayH11"
"""What `uvicorn.run(http=…)` is given (a name: the workers import it)."""
