"""The iVvy emulator's batch namespace: run, progress, results, as the vendor documents them."""

from __future__ import annotations

from typing import Any

import pytest

CALLBACK = "http://127.0.0.1:9/unused"


def _call(served: Any, action: str, params: Any) -> Any:
    return served.client.post(f"/api/1.0/batch?action={action}", json=params)


def _add(n: int) -> dict[str, Any]:
    person = {"firstName": f"N{n}", "lastName": "L", "email": f"p{n}@example.com"}
    return {"namespace": "contact", "action": "addOrUpdateContact", "params": person}


def test_a_batch_runs_its_jobs_when_it_completes_and_answers_each_result(serve: Any) -> None:
    served = serve("ivvy", batch_polls_to_complete=2)
    jobs = [
        _add(1),
        _add(2),
        {"namespace": "contact", "action": "getContact", "params": {"id": 99}},
    ]
    run = _call(served, "run", {"jobs": jobs, "callbackUrl": CALLBACK})
    async_id = run.json()["asyncId"]
    assert run.status_code == 200
    assert served.emulator.stored() == []  # asynchronous: nothing ran yet
    early = _call(served, "results", {"async": async_id})
    assert (early.status_code, early.json()["specificCode"]) == (400, 24114)
    assert _call(served, "progress", {"async": async_id}).json() == {"progress": 50}
    assert _call(served, "progress", {"async": async_id}).json() == {"progress": 100}
    results = _call(served, "results", {"async": async_id}).json()
    assert results["asyncId"] == async_id
    assert [r["action"] for r in results["results"]] == [
        "addOrUpdateContact",
        "addOrUpdateContact",
        "getContact",
    ]
    assert results["results"][0]["response"] == {"success": True, "id": 1}
    assert results["results"][0]["request"] == jobs[0]["params"]
    assert results["results"][2]["response"]["specificCode"] == 24096  # a job's own error
    assert len(served.emulator.stored()) == 2
    # The run answer only names the batch: the same jobs sent again are a second batch.
    again = _call(served, "run", {"jobs": jobs[:1], "callbackUrl": CALLBACK}).json()["asyncId"]
    assert again != async_id


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"jobs": [], "callbackUrl": CALLBACK}, 24092),
        ({"jobs": [{"namespace": "contact", "params": {"id": 1}}]}, 24092),
        ({"jobs": [{"namespace": "contact", "action": "getContact", "params": {}}]}, 24093),
        ({"jobs": [_add(n) for n in range(201)], "callbackUrl": CALLBACK}, 24448),
    ],
)
def test_a_bad_run_is_refused_with_the_documented_code(
    serve: Any, body: dict[str, Any], code: int
) -> None:
    served = serve("ivvy")
    answer = _call(served, "run", body)
    assert answer.status_code == 400
    assert answer.json()["specificCode"] == code
    assert served.emulator.stored() == []


def test_two_hundred_jobs_are_one_batch(serve: Any) -> None:
    served = serve("ivvy")
    run = _call(served, "run", {"jobs": [_add(n) for n in range(200)], "callbackUrl": CALLBACK})
    assert run.status_code == 200
    served.emulator.batches.complete_all()
    results = _call(served, "results", {"async": run.json()["asyncId"]}).json()["results"]
    assert len(results) == 200
    assert len(served.emulator.stored()) == 200


def test_an_unknown_batch_is_not_found(serve: Any) -> None:
    served = serve("ivvy")
    progress = _call(served, "progress", {"async": "no-such-batch"})
    results = _call(served, "results", {"async": "no-such-batch"})
    assert (progress.status_code, progress.json()["specificCode"]) == (404, 24105)
    assert (results.status_code, results.json()["specificCode"]) == (404, 24115)


def test_a_batch_may_complete_as_it_is_run(serve: Any) -> None:
    served = serve("ivvy", batch_polls_to_complete=0)
    run = _call(served, "run", {"jobs": [_add(1)]})
    async_id = run.json()["asyncId"]
    assert len(served.emulator.stored()) == 1  # done before anyone polls
    assert _call(served, "progress", {"async": async_id}).json() == {"progress": 100}
    assert _call(served, "results", {"async": async_id}).status_code == 200
