"""A request body spooled to a temporary file (memory first, disk past a megabyte).

Handlers read the body in the event loop, refusing it with ``TooLarge`` as soon as
it passes its limit, and then hand the file to a worker thread for the store.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import IO

from fastapi import Request

from domain.errors import TooLarge

SPOOL_BYTES = 1024 * 1024


@asynccontextmanager
async def spooled_body(request: Request, limit: int, too_large: str) -> AsyncIterator[IO[bytes]]:
    """The body, rewound; ``too_large`` is the problem's detail past ``limit`` bytes."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise TooLarge(too_large, field="size")
            spool.write(chunk)
        spool.seek(0)
        yield spool
