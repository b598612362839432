"""iVvy's batch runs: a large push's look-ups and writes as jobs, 200 a run.

iVvy's `batch` namespace (ivvycode/apidocs getting-started/batch/) takes up to 200 calls in
one `run`, answers an `asyncId` at once and does the work later; `progress` says how far it
got and `results` gives each call's answer, in order, once it completed. A push of
DIRECT_BELOW contacts or more goes this way, in at most three runs and their polls:

1. look-ups: getContactList by externalId (by e-mail for a row without one); the journal's
   ids are used as they are, with no look-up;
2. by e-mail, for the external ids iVvy did not know (a contact typed in by hand has none);
3. the writes: addOrUpdateContact with the contact's id (an update), or without (an add).

A look-up that fills a whole page is finished with direct calls (a rare, crowded e-mail).
An update whose journal id is gone (24096) goes through 1 to 3 again in a second round.

The switch: one contact costs two direct calls (look-up, write) answered at once, while a
push in runs costs about eight requests whatever its size, and its answers come only after
polls with a backoff (FIRST_POLL_S doubling to MAX_POLL_S). From DIRECT_BELOW contacts on,
the runs are fewer requests (8 against 20) and the wait no longer dominates.

Exactly once: the writes' `run` is sent once, never again blindly. When its answer is lost
(or the batch cannot be followed to its results), the contacts are looked up again after
SETTLE_S: one found is confirmed; an update is sent again (by id, it cannot add); an add is
sent again only when it carried `updateIfExists` (iVvy then updates a contact with the same
first name, last name and e-mail instead of adding one, so the lost run, should it still
complete, cannot make a second contact); any other stays not confirmed, for the next run to
look up. `updateIfExists` goes only with adds whose e-mail no contact holds at all, so it can
never merge the row into another person.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from contactctl.errors import BatchRejected, ProviderError, UncertainDelivery
from contactctl.model import Contact, Delivery, RowResult, Status
from contactctl.providers.ivvy_match import (
    PER_PAGE,
    email_holders,
    is_unknown_contact,
    list_params,
    listed,
    same_email,
    same_external_id,
)
from contactctl.send import timing

if TYPE_CHECKING:
    from contactctl.providers.ivvy import Ivvy
    from contactctl.send.api import Api

BATCH_PATH = "/api/1.0/batch"
MAX_JOBS = 200  # per run, documented (specific code 24448 above it)
DIRECT_BELOW = 10  # contacts in a push; fewer go by direct calls (see above)
FIRST_POLL_S = 0.5
MAX_POLL_S = 8.0
GIVE_UP_AFTER_S = 900.0  # a batch still running then is followed no further
SETTLE_S = 2.0  # before looking up the contacts of a run whose answer was lost


@dataclass(frozen=True)
class Write:
    """The write a contact needs: an update of `contact_id`, or an add (None)."""

    contact_id: str | None
    update_if_exists: bool = False  # an add that may safely be sent again (see above)
    from_journal: bool = False  # the id came from the journal: it may be gone
    before: Mapping[str, Any] | None = None  # the contact as the look-up showed it


class RunLost(Exception):
    """A run was sent but its outcome cannot be known: it may have done its work."""


@dataclass(frozen=True)
class Found:
    """What the look-ups found for one contact."""

    entries: list[Mapping[str, Any]]
    key: str  # what matched, for messages
    email_taken: bool  # some contact holds the row's e-mail (whoever it is)


class Runs:
    """Jobs sent as batch runs of at most MAX_JOBS, each followed to its results."""

    def __init__(self, api: Api, checked: Callable[[Any], Any]) -> None:
        self._api = api
        self._checked = checked

    async def answers(self, jobs: Sequence[dict[str, Any]], *, writes: bool) -> list[Any]:
        """Each job's answer, in order. RunLost when a run of writes may have done its work
        unseen; a run of look-ups that cannot be followed is refused (BatchRejected)."""
        answers: list[Any] = []
        for start in range(0, len(jobs), MAX_JOBS):
            chunk = jobs[start : start + MAX_JOBS]
            try:
                answers += await self._run(chunk, writes)
            except RunLost as lost:
                if writes:
                    raise
                raise BatchRejected(f"iVvy's batch of look-ups: {lost}") from None
        return answers

    async def _run(self, jobs: Sequence[dict[str, Any]], writes: bool) -> list[Any]:
        try:
            reply = await self._call("run", {"jobs": list(jobs)}, idempotent=not writes)
        except UncertainDelivery as exc:
            raise RunLost(f"no answer to the run: {exc.message}") from None
        data = self._checked(reply.data)
        async_id = data.get("asyncId") if isinstance(data, Mapping) else None
        if not async_id:
            raise RunLost("iVvy's answer to the run has no asyncId")
        try:
            await self._wait(str(async_id))
            reply = await self._call("results", {"async": str(async_id)})
        except BatchRejected as exc:
            raise RunLost(f"following the batch failed: {exc.message}") from None
        results = self._checked(reply.data)
        listed_results = results.get("results") if isinstance(results, Mapping) else None
        if not isinstance(listed_results, list) or len(listed_results) != len(jobs):
            raise RunLost("iVvy's results do not answer each job of the run")
        return [r.get("response") if isinstance(r, Mapping) else None for r in listed_results]

    async def _wait(self, async_id: str) -> None:
        """Poll `progress` with a backoff until the batch completed."""
        delay, waited = FIRST_POLL_S, 0.0
        while True:
            await timing.sleep(delay)
            waited += delay
            data = self._checked((await self._call("progress", {"async": async_id})).data)
            progress = data.get("progress") if isinstance(data, Mapping) else None
            if isinstance(progress, int | float) and progress >= 100:
                return
            if waited >= GIVE_UP_AFTER_S:
                raise RunLost(f"the batch had not completed after {waited:.0f} s")
            delay = min(delay * 2, MAX_POLL_S)

    async def _call(self, action: str, body: dict[str, Any], *, idempotent: bool = True) -> Any:
        return await self._api.call(
            "POST", BATCH_PATH, json=body, params={"action": action}, idempotent=idempotent
        )


def contact_job(action: str, params: dict[str, object]) -> dict[str, Any]:
    return {"namespace": "contact", "action": action, "params": params}


async def push_in_runs(provider: Ivvy, batch: Sequence[Contact], api: Api) -> list[RowResult]:
    """One result per contact, from batch runs (see the module's docstring)."""
    push = _Push(provider, api)
    try:
        return await push.rows(list(batch))
    except BatchRejected as exc:
        if not push.wrote:
            raise  # nothing written: the core may split the batch and send it again
        # Refused after writes went out: never let the batch be sent again blindly.
        why = f"checking it was refused: {exc.message}; a re-run looks it up before sending"
        return [RowResult.not_confirmed(contact, why) for contact in batch]
    except ProviderError as exc:
        if push.wrote:  # the run stops; the journal must know the writes may have landed
            exc.delivery = Delivery.MAY_HAVE_LANDED
        raise


async def look_up_in_runs(provider: Ivvy, batch: Sequence[Contact], api: Api) -> list[Found]:
    """What iVvy holds for each contact, from batch runs of look-ups only (`--dry-run
    --lookup`): read-only, so a run that cannot be followed is simply refused."""
    return await _Push(provider, api)._look_up(list(batch))


class _Push:
    def __init__(self, provider: Ivvy, api: Api) -> None:
        self.provider = provider
        self.api = api
        self.runs = Runs(api, provider.checked)
        self.wrote = False  # a run of writes went out

    async def rows(self, batch: list[Contact]) -> list[RowResult]:
        results: dict[int, RowResult] = {}
        writes: dict[int, Write] = {}
        to_find = []
        for index, contact in enumerate(batch):
            if self.provider.updates_known_id(contact):
                writes[index] = Write(contact.known_id, from_journal=True)
            else:
                to_find.append(index)
        found = await self._look_up([batch[i] for i in to_find])
        for index, seen in zip(to_find, found, strict=True):
            contact = batch[index]
            decided = self.provider.decide(contact, seen.entries, seen.key)
            if isinstance(decided, RowResult):
                results[index] = decided
            elif decided.contact_id is None:
                writes[index] = replace(decided, update_if_exists=not seen.email_taken)
            else:
                writes[index] = decided
        results |= await self._write(batch, writes)
        return [results[index] for index in range(len(batch))]

    # Look-ups ----------------------------------------------------------------------------

    async def _look_up(self, contacts: list[Contact]) -> list[Found]:
        """What iVvy holds for each contact: by externalId (else e-mail), then by e-mail for
        the external ids it did not know."""
        by_first = await self._lists(contacts, lambda c: "externalId" if c.external_id else "email")
        found: list[Found | None] = []
        retry: list[int] = []
        for index, (contact, entries) in enumerate(zip(contacts, by_first, strict=True)):
            if contact.external_id:
                exact = same_external_id(entries, contact)
                if exact or not contact.email:
                    found.append(Found(exact, f"externalId {contact.external_id!r}", False))
                    continue
                found.append(None)
                retry.append(index)
            else:
                found.append(_by_email(entries, contact))
        by_email = await self._lists([contacts[i] for i in retry], lambda c: "email")
        for index, entries in zip(retry, by_email, strict=True):
            found[index] = _by_email(entries, contacts[index])
        return [f for f in found if f is not None]

    async def _lists(
        self, contacts: list[Contact], key_of: Callable[[Contact], str]
    ) -> list[list[Mapping[str, Any]]]:
        """getContactList for each contact as one job; a full page is read to its end with
        direct calls."""
        if not contacts:
            return []
        keys = [key_of(c) for c in contacts]
        jobs = [
            contact_job("getContactList", list_params(key, _value(c, key)))
            for c, key in zip(contacts, keys, strict=True)
        ]
        answers = await self.runs.answers(jobs, writes=False)
        pages: list[list[Mapping[str, Any]]] = []
        for contact, key, answer in zip(contacts, keys, answers, strict=True):
            entries = listed(self.provider.checked(answer))
            if len(entries) >= PER_PAGE:
                entries = await self.provider.list_all(self.api, key, _value(contact, key))
            pages.append([e for e in entries if e.get("id")])
        return pages

    # Writes ------------------------------------------------------------------------------

    async def _write(self, batch: list[Contact], writes: dict[int, Write]) -> dict[int, RowResult]:
        if not writes:
            return {}
        order = list(writes)
        jobs = [self._write_job(batch[i], writes[i]) for i in order]
        self.wrote = True
        try:
            answers = await self.runs.answers(jobs, writes=True)
        except RunLost as lost:
            return await self._recover(batch, writes, str(lost))
        results: dict[int, RowResult] = {}
        gone: list[int] = []
        for index, answer in zip(order, answers, strict=True):
            write = writes[index]
            if write.from_journal and is_unknown_contact(answer):
                gone.append(index)  # the journal's id is no longer at iVvy: look it up
                continue
            results[index] = self._written(batch[index], write, answer)
        if gone:
            again = [replace(batch[i], known_id=None) for i in gone]
            rows = await self.rows(again)
            results |= dict(zip(gone, rows, strict=True))
        return results

    def _write_job(self, contact: Contact, write: Write) -> dict[str, Any]:
        params = self.provider.write_body(contact, write.contact_id)
        if write.update_if_exists:
            params["updateIfExists"] = True
        return contact_job("addOrUpdateContact", params)

    def _written(self, contact: Contact, write: Write, answer: Any) -> RowResult:
        """The row of one write job's answer."""
        if isinstance(answer, Mapping) and answer.get("errorCode") is not None:
            message = self.provider.error_message(answer, "")
            return RowResult.for_contact(contact, Status.FAILED, f"rejected by iVvy: {message}")
        status = Status.ADDED if write.contact_id is None else Status.UPDATED
        return self.provider.written(contact, answer, status, write.before)

    async def _recover(
        self, batch: list[Contact], writes: dict[int, Write], why: str
    ) -> dict[int, RowResult]:
        """After a run of writes whose outcome is unknown: look the adds up, then send again
        only what cannot make a second contact (see the module's docstring)."""
        await timing.sleep(SETTLE_S)
        adds = [i for i, w in writes.items() if w.contact_id is None]
        found = await self._look_up([batch[i] for i in adds])
        results: dict[int, RowResult] = {}
        again = {i: w for i, w in writes.items() if w.contact_id is not None}
        for index, seen in zip(adds, found, strict=True):
            contact = batch[index]
            if len(seen.entries) == 1:
                reason = f"confirmed by look-up after {why}"
                contact_id = str(seen.entries[0]["id"])
                change = self.provider.created_change(contact)
                results[index] = RowResult.for_contact(
                    contact, Status.ADDED, reason, id=contact_id, change=change
                )
            elif not seen.entries and writes[index].update_if_exists:
                again[index] = writes[index]
            else:
                results[index] = RowResult.not_confirmed(
                    contact, f"{why}; a re-run looks it up before sending"
                )
        if not again:
            return results
        order = list(again)
        jobs = [self._write_job(batch[i], again[i]) for i in order]
        try:
            answers = await self.runs.answers(jobs, writes=True)
        except RunLost as lost:
            reason = f"{why}, then {lost}; a re-run looks it up before sending"
            return results | {i: RowResult.not_confirmed(batch[i], reason) for i in order}
        for index, answer in zip(order, answers, strict=True):
            results[index] = self._written(batch[index], again[index], answer)
        return results


def _by_email(entries: list[Mapping[str, Any]], contact: Contact) -> Found:
    taken = bool(email_holders(entries, contact))
    return Found(same_email(entries, contact), f"e-mail {contact.email!r}", taken)


def _value(contact: Contact, key: str) -> str:
    return (contact.external_id if key == "externalId" else contact.email) or ""
