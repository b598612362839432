"""The contract every provider keeps, run against its emulator over loopback HTTP.

Every registered provider with an emulator is enrolled, ours and plug-ins' alike (see
test_sixth_vendor.py): nothing here names a vendor. What differs between vendors comes from
the provider class (limits, credential keys, whether it looks a contact up) or from its
emulator (where a stored contact keeps its number, which requests write which numbers, how
to add a person by hand, how consent is kept).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from contactctl.providers import provider_class, provider_names
from contactctl.sandbox import Emulator, HandMade, emulator_class
from tests.cli.helpers import run_cli, write_config, write_csv
from tests.conftest import SandboxFactory, VirtualClock
from tests.written import phones_written

CONTACTS = """
First Name,Last Name,Mobile,Email,Customer ID
Axelle,Durand,+33612345601,axelle@example.com,c-01
Bruno,Martin,+33612345602,bruno@example.com,c-02
Chloe,Petit,+33612345603,chloe@example.com,c-03
Dylan,Roux,+33612345604,dylan@example.com,c-04
Emma,Blanc,+33612345605,emma@example.com,c-05
"""
PHONES = {f"+3361234560{i}" for i in range(1, 6)}
WRITTEN_ONCE = Counter(PHONES)
SECRET = "contract-suite-secret-5a4b3c"


@dataclass(frozen=True)
class Vendor:
    name: str
    vendor: str  # the vendor's own name, as reasons print it
    emulator: type[Emulator]
    looks_up: bool  # finds an existing contact before writing (else upserts by a key)
    batch_size: int
    contacts_in: Callable[[Any], int]  # how many contacts one request body carries
    phone_of: Callable[[dict[str, Any]], str]  # a stored record's phone, as E.164
    secret_key: str


def _contacts_in(body: Any) -> int:
    """Contacts one request carries: Octopush wraps them, array vendors send a list."""
    if isinstance(body, dict) and isinstance(body.get("contacts"), list):
        return len(body["contacts"])
    if isinstance(body, list):
        return len(body)
    return 1


def _digits_phone(key: str) -> Callable[[dict[str, Any]], str]:
    return lambda record: "+" + str(record[key]).lstrip("+")


def _vendor(name: str) -> Vendor:
    """A registered provider with an emulator, as the suite drives it: batches of two where
    the vendor batches, its emulator's phone field, and its last credential as the secret."""
    cls = provider_class(name)
    emulator = emulator_class(name)
    assert emulator is not None
    return Vendor(
        name,
        cls.vendor,
        emulator,
        cls.looks_up_created,
        min(2, cls.limits.max_batch),
        _contacts_in,
        _digits_phone(emulator.phone_field),
        cls.credential_keys()[-1],
    )


# Every registered provider that has an emulator: registering a vendor enrols it here.
VENDORS = [_vendor(name) for name in provider_names() if emulator_class(name) is not None]
PROVIDERS = [pytest.param(v, id=v.name) for v in VENDORS]


def _import(
    tmp_path: Path, vendor: Vendor, base_url: str, *extra: str, **settings: Any
) -> tuple[Any, dict[str, Any]]:
    source = write_csv(tmp_path / "contacts.csv", CONTACTS)
    config = write_config(
        tmp_path / "c.yaml", vendor.name, base_url, batch_size=vendor.batch_size, **settings
    )
    report = tmp_path / "report.json"
    run = run_cli(
        "import",
        source,
        "-p",
        vendor.name,
        "-c",
        config,
        "--report",
        report,
        "--journal",
        tmp_path / "journal.sqlite3",
        *extra,
    )
    return run, json.loads(report.read_text()) if report.exists() else {}


def _contact_requests(emulator: Any) -> list[Any]:
    return [r for r in emulator.requests if r.method == "POST" and r.status is not None]


@pytest.mark.parametrize("vendor", PROVIDERS)
def test_one_result_per_row_and_every_contact_lands_once(
    tmp_path: Path, sandbox: SandboxFactory, vendor: Vendor
) -> None:
    with sandbox(vendor.name) as (emulator, base_url):
        run, report = _import(tmp_path, vendor, base_url)
        stored = [vendor.phone_of(r) for r in emulator.stored()]
        bodies = [r.json for r in _contact_requests(emulator)]
        written = phones_written(vendor.name, emulator.requests)
    assert run.exit_code == 0, run.stderr
    assert sorted(r["row"] for r in report["rows"]) == [2, 3, 4, 5, 6]
    assert sorted(stored) == sorted(PHONES)
    assert written == WRITTEN_ONCE  # the request log: a phone-keyed store cannot show a repeat
    assert all(vendor.contacts_in(body) <= vendor.batch_size for body in bodies)


@pytest.mark.parametrize("vendor", PROVIDERS)
def test_429_is_retried_after_retry_after(
    tmp_path: Path, sandbox: SandboxFactory, vendor: Vendor, virtual_clock: VirtualClock
) -> None:
    with sandbox(vendor.name) as (emulator, base_url):
        emulator.faults.fail_next(429, count=2, retry_after_s=7)
        run, _ = _import(tmp_path, vendor, base_url)
        stored = {vendor.phone_of(r) for r in emulator.stored()}
        written = phones_written(vendor.name, emulator.requests)
    assert run.exit_code == 0, run.stderr
    assert stored == PHONES
    assert written == WRITTEN_ONCE
    assert virtual_clock.sleeps.count(7) >= 2  # waited what the vendor asked, each time


@pytest.mark.parametrize("vendor", PROVIDERS)
def test_a_503_burst_is_survived(tmp_path: Path, sandbox: SandboxFactory, vendor: Vendor) -> None:
    with sandbox(vendor.name) as (emulator, base_url):
        emulator.faults.fail_next(503, count=4)
        run, report = _import(tmp_path, vendor, base_url)
        stored = [vendor.phone_of(r) for r in emulator.stored()]
        written = phones_written(vendor.name, emulator.requests)
    assert run.exit_code == 0, run.stderr
    assert sorted(stored) == sorted(PHONES)
    assert written == WRITTEN_ONCE
    assert report["summary"]["failed"] == 0


@pytest.mark.parametrize("vendor", PROVIDERS)
def test_retries_run_out_then_the_run_aborts_resumably(
    tmp_path: Path, sandbox: SandboxFactory, vendor: Vendor
) -> None:
    with sandbox(vendor.name) as (emulator, base_url):
        emulator.faults.fail_next(503, count=1000)
        run, report = _import(tmp_path, vendor, base_url, max_retries=2)
    assert run.exit_code == 3
    assert "unreachable" in run.stderr
    assert report["summary"]["failed"] == 5
    assert all(r["reason"].startswith("not sent: run aborted") for r in report["rows"])


@pytest.mark.parametrize("vendor", PROVIDERS)
def test_refused_credentials_exit_3_and_the_secret_shows_nowhere(
    tmp_path: Path, sandbox: SandboxFactory, vendor: Vendor
) -> None:
    with sandbox(vendor.name) as (emulator, base_url):
        run, report = _import(tmp_path, vendor, base_url, "-v", **{vendor.secret_key: SECRET})
        stored = emulator.stored()
        requests = len(emulator.requests)
    assert run.exit_code == 3
    assert requests == 1  # slow start: the first request goes alone
    assert stored == []
    assert "refused the credentials" in run.stderr
    journal = (tmp_path / "journal.sqlite3").read_bytes().decode("latin-1")
    for text in (run.stdout, run.stderr, json.dumps(report), journal):
        assert SECRET not in text


@pytest.mark.parametrize("vendor", PROVIDERS)
def test_a_connection_dropped_after_commit_does_not_duplicate(
    tmp_path: Path, sandbox: SandboxFactory, vendor: Vendor
) -> None:
    with sandbox(vendor.name) as (emulator, base_url):
        emulator.faults.drop_next(2, after_commit=True)
        run, report = _import(tmp_path, vendor, base_url)
        stored = [vendor.phone_of(r) for r in emulator.stored()]
    assert run.exit_code == 0, run.stderr
    # Each once in a store that could hold two (Callbell, iVvy); the phone-keyed vendors
    # may be written twice here: an upsert re-sent after an answer lost is harmless.
    assert sorted(stored) == sorted(PHONES)
    assert report["summary"]["failed"] == 0


@pytest.mark.parametrize("vendor", PROVIDERS)
def test_max_failures_stops_sending(
    tmp_path: Path, sandbox: SandboxFactory, vendor: Vendor
) -> None:
    bad = (
        "First Name,Last Name,Mobile,Email\n"
        + "".join(f"N{i},L{i},12{i},n{i}@example.com\n" for i in range(3))
        + "Ok,Row,+33612345601,ok@example.com\n"
    )
    source = write_csv(tmp_path / "bad.csv", bad)
    with sandbox(vendor.name) as (emulator, base_url):
        config = write_config(tmp_path / "c.yaml", vendor.name, base_url)
        run = run_cli(
            "import",
            source,
            "-p",
            vendor.name,
            "-c",
            config,
            "--max-failures",
            "2",
            "--output",
            "json",
            "--journal",
            tmp_path / "j.sqlite3",
        )
        stored = emulator.stored()
    rows = {r["row"]: r for r in run.json()["rows"]}
    assert run.exit_code == 3
    assert rows[5]["reason"].startswith("not sent: run aborted")
    assert stored == []


@pytest.mark.parametrize("vendor", PROVIDERS)
def test_a_poison_row_is_isolated_and_the_rest_land(
    tmp_path: Path, sandbox: SandboxFactory, vendor: Vendor
) -> None:
    with sandbox(vendor.name) as (emulator, base_url):
        emulator.faults.poison("33612345603")  # Chloe's number, in every vendor's format
        run, report = _import(tmp_path, vendor, base_url)
        stored = {vendor.phone_of(r) for r in emulator.stored()}
    rows = {r["row"]: r for r in report["rows"]}
    assert run.exit_code == 1
    assert rows[4]["status"] == "failed"
    assert "invalid value" in rows[4]["reason"]
    assert stored == PHONES - {"+33612345603"}


@pytest.mark.parametrize("vendor", PROVIDERS)
def test_a_429_storm_without_retry_after_backs_off_and_lands_everything(
    tmp_path: Path, sandbox: SandboxFactory, vendor: Vendor, virtual_clock: VirtualClock
) -> None:
    with sandbox(vendor.name) as (emulator, base_url):
        emulator.faults.fail_next(429, count=4)
        run, _ = _import(tmp_path, vendor, base_url, max_retries=6)
        stored = sorted(vendor.phone_of(r) for r in emulator.stored())
    assert run.exit_code == 0, run.stderr
    assert stored == sorted(PHONES)
    assert len([s for s in virtual_clock.sleeps if s > 0]) >= 4  # it backed off each time


@pytest.mark.parametrize("vendor", PROVIDERS)
@pytest.mark.parametrize("fault", ["slow_after_commit", "malformed_after_commit", "502"])
def test_answers_lost_after_the_vendor_committed_never_duplicate(
    tmp_path: Path, sandbox: SandboxFactory, vendor: Vendor, fault: str
) -> None:
    with sandbox(vendor.name) as (emulator, base_url):
        if fault == "slow_after_commit":
            emulator.faults.slow_next(3.0, count=2, commit=True)
        elif fault == "malformed_after_commit":
            emulator.faults.malformed_next(2, after_commit=True)
        else:
            emulator.faults.fail_next(502, count=2)
        run, report = _import(tmp_path, vendor, base_url, timeout=0.5)
        stored = [vendor.phone_of(r) for r in emulator.stored()]
    assert run.exit_code == 0, run.stderr
    assert sorted(stored) == sorted(PHONES)  # once in Callbell's and iVvy's stores (see above)
    assert report["summary"]["failed"] == 0


@pytest.mark.parametrize("vendor", PROVIDERS)
def test_a_2xx_without_proof_of_the_write_is_not_confirmed_and_written_again_next_run(
    tmp_path: Path, sandbox: SandboxFactory, vendor: Vendor
) -> None:
    with sandbox(vendor.name) as (emulator, base_url):
        # The vendor stores each contact, then answers 200 with no uuid / id / per-item status.
        emulator.faults.answer_next({"message": "ok"}, count=1000, method="POST")
        first, first_report = _import(tmp_path, vendor, base_url)
        emulator.faults.clear()
        second, second_report = _import(tmp_path, vendor, base_url)
        stored = [vendor.phone_of(r) for r in emulator.stored()]
    assert first.exit_code == 1, first.stderr
    assert all(r["reason"].startswith("not confirmed") for r in first_report["rows"])
    assert second.exit_code == 0, second.stderr
    # Written again, or (a look-up vendor) found already holding exactly this content.
    assert all(
        r["status"] in {"added", "updated", "upserted"}
        or r["reason"] == f"already up to date at {vendor.vendor}"
        for r in second_report["rows"]
    )
    assert sorted(stored) == sorted(PHONES)  # once in Callbell's and iVvy's stores


# Existing contacts and consent ------------------------------------------------------------

AXELLE = "33612345601"  # row 2's number, digits only
CONSENT_CONTACTS = """
First Name,Last Name,Mobile,Email,Customer ID,Opt In
Axelle,Durand,+33612345601,axelle@example.com,c-01,
Bruno,Martin,+33612345602,bruno@example.com,c-02,yes
"""


def _axelle_by_hand(unsubscribed: bool = False) -> HandMade:
    """Row 2's person as the vendor's own screens or another tool put her in the account:
    under an old name, with the account's id for her (ShoutOUT keys by it), unsubscribed
    where asked, e-mail typed in another case."""
    return HandMade(AXELLE, "Old", "Name", "Axelle@Example.com", "c-01", unsubscribed)


@pytest.mark.parametrize("vendor", PROVIDERS)
def test_an_existing_contact_created_by_hand_is_updated_not_duplicated(
    tmp_path: Path, sandbox: SandboxFactory, vendor: Vendor
) -> None:
    with sandbox(vendor.name) as (emulator, base_url):
        emulator.add_by_hand(_axelle_by_hand())
        run, report = _import(tmp_path, vendor, base_url)
        stored = [vendor.phone_of(r) for r in emulator.stored()]
        creates = phones_written(vendor.name, emulator.requests, adding=True)["+" + AXELLE]

    assert run.exit_code == 0, run.stderr
    assert sorted(stored) == sorted(PHONES)  # five contacts: Axelle is there once
    assert next(r for r in report["rows"] if r["row"] == 2)["status"] in ("updated", "upserted")
    if vendor.looks_up:  # found, then updated by id: nothing that could add her went out
        assert creates == 0
    else:  # an upsert by number: once, or twice for a two-pass write (Pabbly's skip pass
        assert 1 <= creates <= 2  # keeps her, its overwrite pass updates her)


CONSENT = [pytest.param(v, id=v.name) for v in VENDORS if v.emulator.keeps_consent]


@pytest.mark.parametrize("vendor", CONSENT)
def test_an_unsubscribed_contact_stays_unsubscribed(
    tmp_path: Path, sandbox: SandboxFactory, vendor: Vendor
) -> None:
    source = write_csv(tmp_path / "contacts.csv", CONSENT_CONTACTS)
    settings = vendor.emulator.consent_settings
    with sandbox(vendor.name) as (emulator, base_url):
        emulator.add_by_hand(_axelle_by_hand(unsubscribed=True))
        config = write_config(tmp_path / "c.yaml", vendor.name, base_url, **settings)
        run = run_cli(
            "import", source, "-p", vendor.name, "-c", config, "--journal", tmp_path / "j"
        )
        consent = {vendor.phone_of(r): emulator.subscribed(r) for r in emulator.stored()}

    assert run.exit_code == 0, run.stderr
    assert consent == {"+33612345601": False, "+33612345602": True}
