"""Publishing many Prefect events at once without losing any.

A Prefect server with its default in-memory messaging drops an event when one of its
consumers' queues (10,000 deep) is full, logging only a warning. A bulk intake makes two
events per submission far faster than a small server stores them (measured on 2 cores: a
server took in about 900 events a second and dropped 9,519 of 20,000 sent in 12 s). So many
events go in batches over the API's `POST /events`, and no more than `window` of them may be
waiting to be stored: before sending more, the publisher asks the server how many of the
oldest batch it has stored, and waits for them.

A batch sent again (a task run retried after the API failed half way) is stored once: each
event's id is derived from its log entry, and the server ignores an id it already has.

A few events (one submission's) still go through Prefect's own events worker, in the
background, so a person's request never waits on them.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.events import Event
from prefect.events.clients import NullEventsClient
from prefect.events.related import related_resources_from_run_context
from prefect.events.worker import EventsWorker, should_emit_events
from prefect.exceptions import EventTooLarge
from prefect.settings import get_current_settings
from prefect.utilities.asyncutils import run_coro_as_sync

log = logging.getLogger("dfr.flows")

FEW = 50  # up to this many go through Prefect's events worker
BATCH = 500  # events per POST
WINDOW = 5_000  # sent but not yet stored, at most: half the depth of a consumer queue
POLL = 0.1  # seconds between asking the server how many it has stored
PATIENCE = 60.0  # seconds without progress before carrying on regardless

Document = dict[str, Any]


def enabled() -> bool:
    """Whether there is a Prefect API to tell (not so in an in-process run without a server)."""
    return should_emit_events() and EventsWorker.instance().client_type is not NullEventsClient


def publish(documents: Sequence[Document]) -> None:
    """Send these events (JSON documents in Prefect's event schema) to the Prefect API; none is
    sent if one is too large."""
    if not documents:
        return
    largest = get_current_settings().server.events.maximum_size_bytes
    if len(documents) <= FEW:
        events = [Event.model_validate(document) for document in documents]
        for event in events:
            if event.size_bytes > largest:
                raise EventTooLarge(event.size_bytes, largest)
        worker = EventsWorker.instance()
        for event in events:
            worker.send(event)
        return
    documents = _with_run_context(documents)
    bodies = [json.dumps(document, separators=(",", ":")) for document in documents]
    for body in bodies:
        if len(body) > largest:
            raise EventTooLarge(len(body), largest)
    with get_client(sync_client=True) as client:
        for start in range(0, len(documents), BATCH):
            _send(client, documents[start : start + BATCH], bodies[start : start + BATCH])


def _with_run_context(documents: Sequence[Document]) -> list[Document]:
    """Each event with the flow run, task run, flow, deployment… it is published from as
    related resources (what Prefect's events worker adds to each event it sends), looked up
    once, within the most related resources an event may have."""

    async def lookup() -> list[Document]:
        async with get_client() as client:
            related = await related_resources_from_run_context(client)
        return [dict(resource.root) for resource in related]

    run_context: list[Document] = run_coro_as_sync(lookup()) or []
    most = get_current_settings().server.events.maximum_related_resources
    found = []
    for document in documents:
        related = document.get("related", [])
        room = max(most - len(related), 0)
        found.append(document | {"related": related + run_context[:room]})
    return found


# Batches sent by this process and not yet seen stored, oldest first, with when they were
# sent: the window spans one publisher's calls (a follow-up run publishes per chunk).
_waiting: deque[tuple[float, list[Document]]] = deque()
_waiting_lock = threading.Lock()
STALE = 300.0  # seconds: a batch sent longer ago is not waited for (the server has it or not)


def _send(client: SyncPrefectClient, batch: list[Document], bodies: list[str]) -> None:
    """POST one batch (its documents already serialised as `bodies`), after waiting until no
    more than `WINDOW` events would be unstored."""
    with _waiting_lock:
        while _waiting and time.monotonic() - _waiting[0][0] > STALE:
            _waiting.popleft()  # a worker publishing again days later: nothing to wait for
        while _waiting and sum(len(b) for _sent, b in _waiting) + len(batch) > WINDOW:
            _wait_until_stored(client, _waiting.popleft()[1])
        response = client._client.post(
            "/events",
            content="[" + ",".join(bodies) + "]",
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        _waiting.append((time.monotonic(), batch))


def _stored(client: SyncPrefectClient, batch: list[Document]) -> int:
    occurred = [datetime.fromisoformat(document["occurred"]) for document in batch]
    body = {
        "filter": {
            "id": {"id": [document["id"] for document in batch]},
            "occurred": {
                "since": (min(occurred) - timedelta(seconds=1)).isoformat(),
                "until": (max(max(occurred), datetime.now(UTC)) + timedelta(minutes=1)).isoformat(),
            },
        },
        "limit": 0,
    }
    response = client._client.post("/events/filter", json=body)
    response.raise_for_status()
    total: int = response.json()["total"]
    return total


def _wait_until_stored(
    client: SyncPrefectClient,
    batch: list[Document],
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Wait until the server has stored this batch; carry on (with a warning) if it makes no
    progress for `PATIENCE` seconds: events older than its retention period are never found."""
    best, since = -1, time.monotonic()
    while True:
        stored = _stored(client, batch)
        if stored >= len(batch):
            return
        if stored > best:
            best, since = stored, time.monotonic()
        elif time.monotonic() - since > PATIENCE:
            log.warning(
                "The Prefect server has stored %d of %d events sent %.0f s ago; carrying on",
                stored,
                len(batch),
                PATIENCE,
            )
            return
        sleep(POLL)
