"""Background work: what Shopify does asynchronously (productSet with `synchronous: false`,
productReorderMedia, media processing) runs here a short while after it was asked for.

One worker thread runs each piece of work once its delay has passed; until then its job reads as
not done (`Job.done` false, a product operation CREATED). Jobs live in memory: a restarted
emulator forgets them, as a test or demo run never spans a restart.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)


@dataclass
class Job:
    """One piece of background work. `result` is what the work returned, `failed` whether it raised."""

    id: str
    status: str = "CREATED"  # CREATED, ACTIVE, COMPLETE: ProductOperationStatus's values
    result: Any = None
    failed: bool = False
    subject: Any = None  # what the job is about, known before it runs (e.g. the product being updated)

    @property
    def done(self) -> bool:
        return self.status == "COMPLETE"


@dataclass(order=True)
class _Entry:
    due: float
    sequence: int
    job: Job = field(compare=False)
    work: Callable[[], Any] = field(compare=False)


class JobQueue:
    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.delay = delay
        self._clock = clock
        self._jobs: dict[str, Job] = {}
        self._pending: list[_Entry] = []
        self._sequence = itertools.count()
        self._condition = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="shopify-emulator-jobs", daemon=True)
        self._thread.start()

    def submit(self, work: Callable[[], Any], job_id: str | None = None, subject: Any = None) -> Job:
        """Run `work` after the delay; the job's id is a UUID unless given."""
        job = Job(job_id or str(uuid.uuid4()), subject=subject)
        with self._condition:
            self._jobs[job.id] = job
            heapq.heappush(self._pending, _Entry(self._clock() + self.delay, next(self._sequence), job, work))
            self._condition.notify()
        return job

    def get(self, job_id: str) -> Job | None:
        with self._condition:
            return self._jobs.get(job_id)

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify()
        self._thread.join(timeout=5)

    def _next_due(self) -> _Entry | None:
        """The first entry whose time has come, waiting for it; None once closed."""
        with self._condition:
            while not self._closed:
                if self._pending and self._pending[0].due <= self._clock():
                    entry = heapq.heappop(self._pending)
                    entry.job.status = "ACTIVE"
                    return entry
                timeout = self._pending[0].due - self._clock() if self._pending else None
                self._condition.wait(timeout)
            return None

    def _run(self) -> None:
        while (entry := self._next_due()) is not None:
            try:
                result, failed = entry.work(), False
            except Exception:
                logger.exception("background job %s failed", entry.job.id)
                result, failed = None, True
            with self._condition:
                entry.job.result, entry.job.failed, entry.job.status = result, failed, "COMPLETE"
