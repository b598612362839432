"""iVvy's `batch` namespace in the emulator: many calls in one request, answered later.

Vendor truth (ivvycode/apidocs getting-started/batch/): `batch.run {"jobs": [{"namespace",
"action", "params"}], "callbackUrl"}` answers `{"asyncId"}` (24092 "Incorrect Job Format",
24093 "Empty job parameter found"); `batch.progress {"async"}` answers `{"progress": 0-100}`
(24105 "Could not find batch"); `batch.results {"async"}` answers `{"asyncId", "results":
[{"namespace", "action", "request", "response"}]}` once the batch completed (24114 "Batch
job not completed", 24115 "Could not find batch"). At most 200 jobs a run (24448 above it,
issue 16).

Emulator's choices: the batch completes, its jobs run in order, on the Nth progress poll
(`polls_to_complete`, default 2: deterministic, no timer; 0 completes it as it is run), or
when a test calls `complete_all`; a job's error comes back as the error body a direct call
would answer; the callback is not called (nothing here listens); batches live in memory.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contactctl.sandbox.core import VendorError

MAX_JOBS = 200
JOB_KEYS = ("namespace", "action", "params")

RunJob = Callable[[str, str, Mapping[str, Any]], dict[str, Any]]
ErrorBody = Callable[[VendorError], object]


@dataclass
class _Batch:
    jobs: list[dict[str, Any]]
    polls: int = 0
    results: list[dict[str, Any]] | None = field(default=None)


class BatchQueue:
    """The account's batches, by asyncId."""

    def __init__(self, run_job: RunJob, error_body: ErrorBody, polls_to_complete: int) -> None:
        self._run_job = run_job
        self._error_body = error_body
        self.polls_to_complete = max(0, polls_to_complete)
        self._batches: dict[str, _Batch] = {}
        self._lock = threading.Lock()

    def run(self, params: Mapping[str, Any]) -> dict[str, Any]:
        jobs = params.get("jobs")
        if not isinstance(jobs, list) or not jobs:
            raise VendorError(400, "Incorrect Job Format", specificCode=24092)
        if len(jobs) > MAX_JOBS:
            raise VendorError(400, f"A batch holds at most {MAX_JOBS} jobs", specificCode=24448)
        for job in jobs:
            if not isinstance(job, dict) or any(key not in job for key in JOB_KEYS):
                raise VendorError(400, "Incorrect Job Format", specificCode=24092)
            if not isinstance(job["params"], dict) or not job["params"]:
                raise VendorError(400, "Empty job parameter found", specificCode=24093)
        async_id = uuid.uuid4().hex
        with self._lock:
            batch = _Batch([dict(job) for job in jobs])
            self._batches[async_id] = batch
        if self.polls_to_complete == 0:
            # The emulator's lock, held around this request, covers the jobs' work.
            self._complete(batch)
        return {"asyncId": async_id}

    def progress(self, params: Mapping[str, Any]) -> dict[str, Any]:
        with self._lock:
            batch = self._find(params, 24105)
            batch.polls += 1
            if batch.results is None and batch.polls >= self.polls_to_complete:
                self._complete(batch)
            done = batch.results is not None
            share = 100 if done else batch.polls * 100 // max(1, self.polls_to_complete)
        return {"progress": share}

    def results(self, params: Mapping[str, Any]) -> dict[str, Any]:
        with self._lock:
            batch = self._find(params, 24115)
            if batch.results is None:
                raise VendorError(400, "Batch job not completed", specificCode=24114)
            return {"asyncId": params["async"], "results": list(batch.results)}

    def complete_all(self) -> None:
        """Finish every pending batch now (tests that do not poll)."""
        with self._lock:
            for batch in self._batches.values():
                if batch.results is None:
                    self._complete(batch)

    def _find(self, params: Mapping[str, Any], code: int) -> _Batch:
        batch = self._batches.get(str(params.get("async") or ""))
        if batch is None:
            raise VendorError(404, "Could not find batch", specificCode=code)
        return batch

    def _complete(self, batch: _Batch) -> None:
        batch.results = [self._result(job) for job in batch.jobs]

    def _result(self, job: Mapping[str, Any]) -> dict[str, Any]:
        try:
            response: object = self._run_job(job["namespace"], job["action"], job["params"])
        except VendorError as exc:
            response = self._error_body(exc)
        return {
            "namespace": job["namespace"],
            "action": job["action"],
            "request": job["params"],
            "response": response,
        }
