"""Benchmark: participatory-budget ballots cast under load on loopback, with no lost and no double ballot.

    make bench-pb-votes      # or: .venv/bin/python bench/pb_votes.py [--duration 10] [--connections 8]

A scratch database (created and migrated, dropped at the end) holds one municipality with two square districts,
a budget in its voting phase, a municipality-wide envelope and one per district, 20 feasible proposals, and
participants who have confirmed their contact: each has a session row made by Django's SessionStore holding
`participant_id`, and all share one CSRF secret sent as cookie and as form token (Django 5 accepts the unmasked
32-character secret as either). gunicorn (4 sync workers, the portal's settings with the participation limits
raised) serves `POST /pb/<code>/<year>/vote/`. wrk's Lua script gives each request the next participant of its
thread's own range and a valid ballot (the choices vary from one participant to the next):
  1. first ballots: every participant votes once (a Voter row and a Ballot row);
  2. changed ballots: the same participants vote again with other choices (the Ballot row is updated in place);
  3. one voter, several phones: all connections cast the first ballot of the same participant at once, so only
     the unique (budget, participant) constraint keeps her to one ballot (the losers get a 400 "already voted");
side by side with the bare cost of the same writes: one INSERT … ON CONFLICT statement of Voter + Ballot per
ballot through psycopg, from as many threads as gunicorn has workers, into a second budget.
Afterwards the rows are counted against what each participant was sent: lost = accepted (303) but not stored with
the choices sent; double = a participant with two Voter rows, or a ballot that no voter's keyed hash explains.
Both must be 0. Last, 100 ballots cast in-process with Django's test client show where a ballot's time goes.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from common import cluster_url, drop_database, free_port, with_database
from intake import WORKERS, start_gunicorn, stop

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
SCRATCH = "gisportal_bench_pb_votes"
SEED = 2016
WARM_UP = 1000  # participants kept for warming the workers up, outside the figures
RACE = 2000  # participants for the "several phones at once" run
PROFILE = 110  # participants for the in-process breakdown
# One CSRF secret for every browser: 32 letters and digits, the unmasked form Django accepts as cookie and token.
CSRF_SECRET = "PbVotesBenchCsrfSecret0123456789"  # noqa: S105 -- not a credential, a fixed test value
PEER_KEY = b"bench-pb-votes-peer"

SETTINGS = """
from gisportal.settings import *  # noqa: F403

# Every ballot comes from one loopback address: the participation limits would refuse all but the first 30.
PARTICIPATION_ACTIONS_PER_IP_PER_HOUR = 10**9
PARTICIPATION_ACTIONS_PER_CONTACT_PER_HOUR = 10**9
# Persistent connections, as a production deployment runs.
DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
"""

# Run by `gisportal shell -c` in the scratch database; writes the frame as JSON to $BENCH_OUT.
SETUP = """
import json, os
from datetime import timedelta
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from gisportal.budgeting.models import Budget, Envelope, Phase, Proposal
from gisportal.budgeting.selectors import ballot_key
from gisportal.participants.models import AgeBand, Gender, Participant
from layers.models import District, Governorate, Municipality

def square(west, south, side):
    return MultiPolygon(Polygon.from_bbox((west, south, west + side, south + side)), srid=4326)

governorate = Governorate.objects.create(
    code="99", name_fr="Banc d'essai", name_ar="اختبار", boundary=square(8.0, 33.8, 0.2)
)
town = Municipality.objects.create(
    code="9901", name_fr="Tozeur (banc d'essai)", name_ar="توزر", governorate=governorate,
    boundary=MultiPolygon(Polygon.from_bbox((8.10, 33.90, 8.12, 33.91)), srid=4326),
)
districts = [
    District.objects.create(municipality=town, name=name, boundary=square(west, 33.90, 0.01))
    for name, west in (("Ouest", 8.10), ("Est", 8.11))
]
today = timezone.localdate()
budget = Budget.objects.create(municipality=town, year=today.year, title="Budget participatif (banc d'essai)")
for kind, start, end in (("proposals", -60, -31), ("review", -30, -4), ("voting", -3, 10)):
    Phase.objects.create(budget=budget, kind=kind, starts_on=today + timedelta(start), ends_on=today + timedelta(end))
peer = Budget.objects.create(municipality=town, year=today.year + 1, title="Les mêmes écritures en SQL")
envelopes, number = [], 0
for district, amount, costs in (
    (None, 1_000_000, [80_000 + 17_000 * k for k in range(10)]),
    (districts[0], 500_000, [60_000 + 20_000 * k for k in range(5)]),
    (districts[1], 500_000, [60_000 + 20_000 * k for k in range(5)]),
):
    envelope = Envelope.objects.create(budget=budget, district=district, amount=amount)
    Envelope.objects.create(budget=peer, district=district, amount=amount)
    proposals = []
    for cost in costs:
        number += 1
        proposals.append(Proposal(
            budget=budget, code=f"P{number}", envelope=envelope, district=district, title=f"Projet {number}",
            description="Projet du banc d'essai", estimated_cost=cost, cost=cost, status=Proposal.Status.FEASIBLE,
        ))
    proposals = Proposal.objects.bulk_create(proposals)
    envelopes.append({"district": district and district.pk, "amount": amount,
                      "proposals": [[p.pk, p.ballot_cost] for p in proposals]})
genders = [Gender.WOMAN, Gender.MAN, ""]
ages = [*AgeBand.values, ""]
now = timezone.now()
people = Participant.objects.bulk_create([
    Participant(contact=f"+2169{i:07d}", gender=genders[i % 3], age_band=ages[i % len(ages)],
                district=districts[i % 2], verified_at=now)
    for i in range(int(os.environ["BENCH_PARTICIPANTS"]))
], batch_size=5000)
def signed_in(participant):
    store = SessionStore()
    store.exists = lambda key: False  # a fresh key of 32 random characters: a clash would fail the insert below
    return store.create_model_instance({"participant_id": participant.pk})

sessions = [signed_in(p) for p in people]
Session.objects.bulk_create(sessions, batch_size=5000)
frame = {
    "path": f"/pb/{town.code}/{budget.year}/vote/", "budget": budget.pk, "peer": peer.pk, "envelopes": envelopes,
    "participants": [[p.pk, s.session_key, ballot_key(budget, p), p.district_id, p.gender, p.age_band]
                     for p, s in zip(people, sessions)],
}
with open(os.environ["BENCH_OUT"], "w") as out:
    json.dump(frame, out)
"""

# In-process, by `gisportal shell -c`: the same POST through Django's test client, timed, its SQL logged, profiled.
PROFILE_SCRIPT = """
import cProfile, json, os, pstats, time
from collections import Counter
from django.db import connection
from django.test import Client

path = os.environ["BENCH_PATH"]
ballots = [line.rstrip("\\n").split("\\t") for line in open(os.environ["BENCH_BALLOTS"])]
client = Client(SERVER_NAME="127.0.0.1")

def cast(session, body):
    client.cookies["sessionid"] = session
    response = client.post(path, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 303, response.status_code

for session, body in ballots[:10]:  # imports, translations, the first connection
    cast(session, body)
timed, captured, wall = ballots[10:60], [], 0.0
connection.force_debug_cursor = True  # every request starts with an empty query log (reset_queries)
for session, body in timed:
    started = time.perf_counter()
    cast(session, body)
    wall += time.perf_counter() - started
    captured += connection.queries_log
connection.force_debug_cursor = False
profiler = cProfile.Profile()
profiler.enable()
for session, body in ballots[60:110]:
    cast(session, body)
profiler.disable()
stats = pstats.Stats(profiler).stats
total = sum(tt for _cc, _nc, tt, _ct, _callers in stats.values())

def share(module, function):
    return sum(ct for (file, _line, name), (_cc, _nc, _tt, ct, _c) in stats.items()
               if file.endswith(module) and name == function) / total

kinds = Counter(q["sql"].split()[0].upper() for q in captured)
print("PROFILE " + json.dumps({
    "ms": 1000 * wall / len(timed),
    "queries": len(captured) / len(timed),
    "sql_ms": 1000 * sum(float(q["time"]) for q in captured) / len(timed),
    "kinds": {k: v / len(timed) for k, v in kinds.most_common()},
    "view": share("budgeting/views.py", "vote"),
    "cast_ballot": share("budgeting/services.py", "cast_ballot"),
}))
"""

# Lua for wrk: each thread walks its own slice of the participants; `together` requests in a row go to one of them.
LUA = r"""
local electors = {}
for line in io.lines("%(data)s") do
  local session, body = line:match("^([^\t]+)\t(.*)$")
  electors[#electors + 1] = {session, body}
end
local together = %(together)d
local threads = {}
-- Globals, so that done() can read each thread's own with thread:get().
counter, first, last, statuses = 0, 1, #electors, ""
local codes = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  local count = tonumber(args[1])
  first = math.floor(index * #electors / count) + 1
  last = math.floor((index + 1) * #electors / count)
end

request = function()
  local at = math.floor(counter / together) %% (last - first + 1)
  counter = counter + 1
  local elector = electors[first + at]
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "sessionid=" .. elector[1] .. "; csrftoken=%(csrf)s",
  }, elector[2])
end

response = function(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
  local parts = {}
  for code, n in pairs(codes) do parts[#parts + 1] = code .. "=" .. n end
  statuses = table.concat(parts, ",")
end

done = function(summary, latency, requests)
  local sent, reached, parts = 0, 0, {}
  for _, thread in ipairs(threads) do
    local n = thread:get("counter")
    sent = sent + n
    reached = reached + math.min(thread:get("last") - thread:get("first") + 1, math.ceil(n / together))
    parts[#parts + 1] = thread:get("statuses")
  end
  io.write(string.format("SENT %%d REACHED %%d\n", sent, reached))
  io.write("STATUSES " .. table.concat(parts, ",") .. "\n")
  io.write(string.format("LATENCY p50 %%f p99 %%f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""

# The bare writes of one ballot in one statement (one transaction): the voter once, the ballot inserted or changed.
PEER_UPSERT = """
WITH voter AS (
    INSERT INTO budgeting_voter (budget_id, participant_id, source, voted_on)
    VALUES (%(budget)s, %(participant)s, 'online', current_date)
    ON CONFLICT (budget_id, participant_id) DO NOTHING)
INSERT INTO budgeting_ballot (key, budget_id, district_id, gender, age_band, source, proposals)
VALUES (%(key)s, %(budget)s, %(district)s, %(gender)s, %(age_band)s, 'online', %(proposals)s)
ON CONFLICT (key) DO UPDATE SET district_id = EXCLUDED.district_id, proposals = EXCLUDED.proposals
"""

# What each participant was sent, to check the rows against: her ballot's keyed hash in both budgets, both choices.
ELECTORS_TABLE = """
CREATE TABLE bench_pb_elector (position integer PRIMARY KEY, participant_id bigint NOT NULL,
                               ballot_key text NOT NULL, peer_key text NOT NULL,
                               first bigint[] NOT NULL, second bigint[] NOT NULL)
"""
# Participants of positions [lo, hi) with a voter and a ballot holding the choice they were sent.
STORED = """
SELECT count(*) FROM bench_pb_elector e
  JOIN budgeting_voter v ON v.participant_id = e.participant_id AND v.budget_id = %(budget)s
  JOIN budgeting_ballot b ON b.key = e.{key} AND b.budget_id = %(budget)s AND b.proposals = e.{choice}
 WHERE e.position >= %(lo)s AND e.position < %(hi)s
"""
# Two voters for one participant, or a ballot that no voter's keyed hash explains.
DOUBLE = """
SELECT (SELECT count(*) FROM (SELECT FROM budgeting_voter WHERE budget_id = %(budget)s
                               GROUP BY participant_id HAVING count(*) > 1) AS twice)
     + (SELECT count(*) FROM budgeting_ballot b
         WHERE b.budget_id = %(budget)s
           AND NOT EXISTS (SELECT FROM bench_pb_elector e
                             JOIN budgeting_voter v ON v.participant_id = e.participant_id AND v.budget_id = %(budget)s
                            WHERE e.{key} = b.key))
"""
BUSY = """
SELECT count(*) FROM pg_stat_activity
 WHERE datname = current_database() AND pid <> %(me)s AND state IN ('active', 'idle in transaction')
"""
VOTED = """
SELECT e.position FROM bench_pb_elector e
  JOIN budgeting_voter v ON v.participant_id = e.participant_id AND v.budget_id = %(budget)s
 WHERE e.position >= %(lo)s AND e.position < %(hi)s ORDER BY e.position
"""


@dataclass(frozen=True)
class Elector:
    """A participant as the benchmark drives her: her browser's session and the two ballots she will cast."""

    position: int
    participant: int
    session: str
    key: str
    peer_key: str
    district: int
    gender: str
    age_band: str
    first: tuple[int, ...]
    second: tuple[int, ...]


@dataclass(frozen=True)
class Frame:
    path: str
    budget: int
    peer: int
    electors: list[Elector]


@dataclass
class Run:
    label: str
    kind: str  # "first", "changed" or "race": which peer row it is compared with
    connections: int
    seconds: float
    statuses: Counter[str]
    p50_ms: float
    p99_ms: float
    stored: int = 0
    lost: int = 0
    double: int = 0
    extra: dict[str, int] = field(default_factory=dict)
    ok: str = "303"  # a cast ballot is answered by a redirect to the ballot page; a bare SQL write by "done"

    @property
    def accepted(self) -> int:
        return self.statuses[self.ok]

    @property
    def rate(self) -> float:
        return self.accepted / self.seconds


def one(db: psycopg.Connection, sql: str, params: dict[str, Any]) -> Any:
    row = db.execute(sql, params).fetchone()
    assert row is not None
    return row[0]


def create_scratch(url: str, env: dict[str, str]) -> None:
    drop_database(url, SCRATCH)
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {SCRATCH}")
    subprocess.run([str(BIN / "gisportal"), "migrate", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True)


def ballot_choices(rng: random.Random, envelopes: list[dict], district: int) -> tuple[int, ...]:
    """A valid knapsack ballot: 1 to 4 of the municipality's projects, up to 3 of her district's, within each amount."""
    town = next(e for e in envelopes if e["district"] is None)
    own = next(e for e in envelopes if e["district"] == district)
    while True:
        picks = [
            (town, rng.sample(town["proposals"], rng.randint(1, 4))),
            (own, rng.sample(own["proposals"], rng.randint(0, 3))),
        ]
        if all(sum(cost for _pk, cost in chosen) <= envelope["amount"] for envelope, chosen in picks):
            return tuple(sorted(pk for _envelope, chosen in picks for pk, _cost in chosen))


def peer_key(budget: int, participant: int) -> str:
    return hmac.new(PEER_KEY, f"ballot:{budget}:{participant}".encode(), hashlib.sha256).hexdigest()


def build_frame(scratch: str, env: dict[str, str], folder: Path, count: int) -> Frame:
    out = folder / "frame.json"
    subprocess.run(
        [str(BIN / "gisportal"), "shell", "-c", SETUP],
        env={**env, "BENCH_PARTICIPANTS": str(count), "BENCH_OUT": str(out)},
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    made = json.loads(out.read_text())
    rng = random.Random(SEED)  # noqa: S311 -- seeded choices, not secrets
    electors = []
    for position, (participant, session, key, district, gender, age_band) in enumerate(made["participants"]):
        first = ballot_choices(rng, made["envelopes"], district)
        second = first
        while second == first:
            second = ballot_choices(rng, made["envelopes"], district)
        electors.append(
            Elector(
                position,
                participant,
                session,
                key,
                peer_key(made["peer"], participant),
                district,
                gender,
                age_band,
                first,
                second,
            )
        )
    with psycopg.connect(scratch) as db:
        db.execute(ELECTORS_TABLE)
        with db.cursor().copy("COPY bench_pb_elector FROM STDIN") as copy:
            for e in electors:
                copy.write_row((e.position, e.participant, e.key, e.peer_key, list(e.first), list(e.second)))
    return Frame(made["path"], made["budget"], made["peer"], electors)


def form_body(elector: Elector, choices: tuple[int, ...]) -> str:
    fields = [f"csrfmiddlewaretoken={CSRF_SECRET}", f"district={elector.district}"]
    return "&".join(fields + [f"proposal={pk}" for pk in choices])


def wrk(
    url: str,
    folder: Path,
    ballots: list[tuple[Elector, tuple[int, ...]]],
    *,
    connections: int,
    threads: int,
    duration: int,
    together: int = 1,
) -> tuple[float, Counter[str], float, float, int, int]:
    """One wrk run; returns its seconds, answers by status, p50 and p99 (ms), requests sent, participants reached."""
    data = folder / "ballots.tsv"
    data.write_text("".join(f"{e.session}\t{form_body(e, choices)}\n" for e, choices in ballots))
    script = folder / "vote.lua"
    script.write_text(LUA % {"data": data, "together": together, "csrf": CSRF_SECRET})
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s"]
    out = subprocess.run(
        [*command, "-s", str(script), url, "--", str(threads)], capture_output=True, text=True, check=True
    ).stdout
    sent, reached = (int(n) for n in re.search(r"SENT (\d+) REACHED (\d+)", out).groups())  # type: ignore[union-attr]
    statuses: Counter[str] = Counter()
    for code, n in re.findall(r"(\d{3})=(\d+)", re.search(r"STATUSES (.*)", out).group(1)):  # type: ignore[union-attr]
        statuses[code] += int(n)
    if errors := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        statuses["socket errors"] = sum(int(n) for n in errors.groups())
    p50, p99 = (float(n) for n in re.search(r"LATENCY p50 ([\d.]+) p99 ([\d.]+)", out).groups())  # type: ignore[union-attr]
    amount, unit = re.search(r"requests in ([\d.]+)(m?s)", out).groups()  # type: ignore[union-attr]
    seconds = float(amount) / (1000 if unit == "ms" else 1)
    return seconds, +statuses, p50, p99, sent, reached


def settle(scratch: str) -> None:
    """Wait until the requests wrk cut off at the end are answered: no transaction open in the scratch database."""
    quiet, deadline = 0, time.perf_counter() + 60
    with psycopg.connect(scratch, autocommit=True) as db:
        while quiet < 5 and time.perf_counter() < deadline:
            time.sleep(0.2)
            busy = one(db, BUSY, {"me": db.info.backend_pid})
            quiet = 0 if busy else quiet + 1


def checks(scratch: str, budget: int, key: str, choice: str, lo: int, hi: int) -> tuple[int, int]:
    """Participants in [lo, hi) whose ballot holds what they were sent, and the double ballots of the whole budget."""
    assert key in {"ballot_key", "peer_key"} and choice in {"first", "second"}
    params = {"budget": budget, "lo": lo, "hi": hi}
    with psycopg.connect(scratch) as db:
        return one(db, STORED.format(key=key, choice=choice), params), one(db, DOUBLE.format(key=key), params)


def voted(scratch: str, budget: int, lo: int, hi: int) -> list[int]:
    with psycopg.connect(scratch) as db:
        return [row[0] for row in db.execute(VOTED, {"budget": budget, "lo": lo, "hi": hi})]


def warm_up(url: str, folder: Path, ballots: list[tuple[Elector, tuple[int, ...]]], scratch: str) -> None:
    """Every worker imports, connects and renders before the figures: wrk until ballots come back steadily."""
    deadline = time.perf_counter() + 300
    while time.perf_counter() < deadline:
        _seconds, statuses, *_rest = wrk(url, folder, ballots, connections=WORKERS * 2, threads=2, duration=3)
        settle(scratch)
        if statuses["303"] >= 4 * WORKERS:
            return
    raise SystemExit(f"the portal did not answer ballots while warming up (last answers {dict(statuses)})")


def portal_runs(
    frame: Frame, scratch: str, env: dict[str, str], folder: Path, options: argparse.Namespace
) -> list[Run]:
    electors, n, c = frame.electors, options.participants, options.connections
    port = free_port()
    # A first request imports, connects and compiles templates: on a busy machine longer than gunicorn's 30 s.
    server = start_gunicorn("gisportal.wsgi", port, {**env, "GUNICORN_CMD_ARGS": "--timeout 120"})
    url = f"http://127.0.0.1:{port}{frame.path}"
    runs = []
    try:
        warm_up(url, folder, [(e, e.first) for e in electors[n : n + WARM_UP]], scratch)

        seconds, statuses, p50, p99, sent, reached = wrk(
            url, folder, [(e, e.first) for e in electors[:n]], connections=c, threads=2, duration=options.duration
        )
        settle(scratch)
        run = Run("gisportal vote: first ballots", "first", c, seconds, statuses, p50, p99)
        run.stored, run.double = checks(scratch, frame.budget, "ballot_key", "first", 0, n)
        run.lost = max(0, run.accepted - (sent - reached) - run.stored)  # a repeat is a change, not a new ballot
        runs.append(run)
        progress(run)

        again = [(electors[p], electors[p].second) for p in voted(scratch, frame.budget, 0, n)]
        if not again:
            raise SystemExit(f"no first ballot was stored (answers {dict(run.statuses)}): nothing to change")
        seconds, statuses, p50, p99, sent, reached = wrk(
            url, folder, again, connections=c, threads=2, duration=options.duration
        )
        settle(scratch)
        run = Run("gisportal vote: changed ballots", "changed", c, seconds, statuses, p50, p99)
        run.stored, run.double = checks(scratch, frame.budget, "ballot_key", "second", 0, n)
        run.lost = max(0, run.accepted - (sent - reached) - run.stored)
        runs.append(run)
        progress(run)

        lo = n + WARM_UP
        race = [(e, e.first) for e in electors[lo : lo + RACE]]
        seconds, statuses, p50, p99, sent, reached = wrk(
            url, folder, race, connections=c, threads=1, duration=options.duration, together=c
        )
        settle(scratch)
        run = Run(f"gisportal vote: 1 voter, {c} phones", "race", c, seconds, statuses, p50, p99)
        run.stored, run.double = checks(scratch, frame.budget, "ballot_key", "first", lo, lo + RACE)
        run.lost = max(0, reached - run.stored)  # each participant reached must hold one ballot
        run.extra = {"participants": reached}
        runs.append(run)
        progress(run)
    finally:
        stop(server)
    return runs


def peer_run(
    scratch: str, budget: int, ballots: list[tuple[Elector, tuple[int, ...]]], duration: int
) -> tuple[float, Counter[str], float, float, int, int]:
    """The same writes from WORKERS threads, each over its own slice, for `duration` seconds."""
    deadline = time.perf_counter() + duration

    def cast(share: list[tuple[Elector, tuple[int, ...]]]) -> list[float]:
        latencies: list[float] = []
        with psycopg.connect(scratch, autocommit=True) as db:
            while time.perf_counter() < deadline:
                elector, choices = share[len(latencies) % len(share)]
                started = time.perf_counter()
                db.execute(
                    PEER_UPSERT,
                    {
                        "budget": budget,
                        "participant": elector.participant,
                        "key": peer_key(budget, elector.participant),
                        "district": elector.district,
                        "gender": elector.gender,
                        "age_band": elector.age_band,
                        "proposals": list(choices),
                    },
                )
                latencies.append(time.perf_counter() - started)
        return latencies

    shares = [ballots[i * len(ballots) // WORKERS : (i + 1) * len(ballots) // WORKERS] for i in range(WORKERS)]
    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        per_thread = list(pool.map(cast, shares))
    seconds = time.perf_counter() - started
    latencies = sorted(t for thread in per_thread for t in thread)
    sent = len(latencies)
    reached = sum(min(len(share), len(done)) for share, done in zip(shares, per_thread, strict=True))
    p50, p99 = (1000 * q for q in statistics.quantiles(latencies, n=100)[49::49])
    return seconds, Counter({"done": sent}), p50, p99, sent, reached


def peer_runs(frame: Frame, scratch: str, options: argparse.Namespace) -> list[Run]:
    electors, n, runs = frame.electors, options.participants, []
    for kind, ballots in (("first", [(e, e.first) for e in electors[:n]]), ("changed", None)):
        if ballots is None:
            ballots = [(electors[p], electors[p].second) for p in voted(scratch, frame.peer, 0, n)]
        seconds, statuses, p50, p99, sent, reached = peer_run(scratch, frame.peer, ballots, options.duration)
        label = "SQL INSERT…ON CONFLICT: " + ("first ballots" if kind == "first" else "changed ballots")
        run = Run(label, kind, WORKERS, seconds, statuses, p50, p99, ok="done")
        run.stored, run.double = checks(scratch, frame.peer, "peer_key", "first" if kind == "first" else "second", 0, n)
        run.lost = max(0, run.accepted - (sent - reached) - run.stored)
        runs.append(run)
        progress(run)
    return runs


def breakdown(frame: Frame, env: dict[str, str], folder: Path, options: argparse.Namespace) -> dict[str, Any]:
    lo = options.participants + WARM_UP + RACE
    data = folder / "profile.tsv"
    data.write_text("".join(f"{e.session}\t{form_body(e, e.first)}\n" for e in frame.electors[lo : lo + PROFILE]))
    out = subprocess.run(
        [str(BIN / "gisportal"), "shell", "-c", PROFILE_SCRIPT],
        env={**env, "BENCH_PATH": frame.path, "BENCH_BALLOTS": str(data)},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(re.search(r"PROFILE (.*)", out).group(1))  # type: ignore[union-attr]


def constraint(scratch: str) -> str:
    with psycopg.connect(scratch) as db:
        sql = "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %(name)s"
        return one(db, sql, {"name": "one_ballot_per_participant"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--duration", type=int, default=10, help="seconds of each run")
    parser.add_argument("--connections", type=int, default=WORKERS * 2)
    parser.add_argument("--participants", type=int, default=20_000, help="participants signed in for the runs")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    options = parser.parse_args()

    url = cluster_url()
    folder = Path(tempfile.mkdtemp(prefix="bench-pb-votes-"))
    (folder / "bench_pb_votes_settings.py").write_text(SETTINGS)
    scratch = with_database(url, SCRATCH)
    env = {
        **os.environ,
        "DATABASE_URL": scratch.replace("postgresql://", "postgis://", 1),
        "DJANGO_SETTINGS_MODULE": "bench_pb_votes_settings",
        "PYTHONPATH": f"{folder}:{ROOT}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "GISPORTAL_LOG_LEVEL": "ERROR",
    }
    total = options.participants + WARM_UP + RACE + PROFILE
    try:
        started = time.perf_counter()
        print(f"scratch database {SCRATCH}: creating and migrating …", flush=True)
        create_scratch(url, env)
        print(f"{total:,} participants signed in (sessions through SessionStore), 20 proposals …", flush=True)
        frame = build_frame(scratch, env, folder, total)
        print(
            f"ready in {time.perf_counter() - started:.0f} s; gunicorn {WORKERS} workers, wrk {options.connections} "
            f"connections, {options.duration} s per run",
            flush=True,
        )
        runs = portal_runs(frame, scratch, env, folder, options)
        runs += peer_runs(frame, scratch, options)
        load = os.getloadavg()[1]  # the machine is shared: say how busy it was during the runs
        profile = breakdown(frame, env, folder, options)
        unique = constraint(scratch)
    finally:
        if not options.keep:
            drop_database(url, SCRATCH)
        shutil.rmtree(folder, ignore_errors=True)
    print_table(runs, profile, unique, load)
    if any(run.lost or run.double for run in runs):
        sys.exit("ballots were lost or counted twice")


def progress(run: Run) -> None:
    answers = " ".join(f"{code}:{n}" for code, n in sorted(run.statuses.items()))
    print(f"  {run.label}: {run.rate:,.0f}/s p99 {run.p99_ms:.0f} ms, {answers}, {run.stored} stored", flush=True)


def print_table(runs: list[Run], profile: dict[str, Any], unique: str, load: float) -> None:
    peers = {r.kind: r.rate for r in runs if r.label.startswith("SQL")}
    header = (
        f"{'run':<40} {'conn':>4} {'ballots/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'answers':<22} "
        f"{'stored':>6} {'lost':>4} {'double':>6} {'vs SQL':>7}"
    )
    print()
    print(header)
    print("-" * len(header))
    for run in runs:
        answers = " ".join(f"{code}:{n}" for code, n in sorted(run.statuses.items()))
        peer = peers.get(run.kind)
        ratio = f"{run.rate / peer:.3f}x" if peer and not run.label.startswith("SQL") else "-"
        print(
            f"{run.label:<40} {run.connections:>4} {run.rate:>9,.0f} {run.p50_ms:>7.1f} {run.p99_ms:>7.1f} "
            f"{answers:<22} {run.stored:>6} {run.lost:>4} {run.double:>6} {ratio:>7}"
        )
    print()
    race = next(r for r in runs if r.kind == "race")
    print(
        f"1 voter, {race.connections} phones: {race.extra['participants']} participants each sent {race.connections} "
        f"first ballots at once, {race.stored} hold one ballot; 400 = 'already voted' (the losing phones)"
    )
    print(f"double ballots are impossible by the constraint one_ballot_per_participant {unique} on budgeting_voter")
    kinds = ", ".join(f"{n:.0f} {kind}" for kind, n in profile["kinds"].items())
    print(
        f"where a ballot's time goes (in-process, test client): {profile['ms']:.1f} ms, of which SQL "
        f"{profile['sql_ms']:.1f} ms in {profile['queries']:.0f} queries ({kinds}); profiled: the vote view "
        f"{profile['view']:.0%} (cast_ballot {profile['cast_ballot']:.0%}), "
        "the rest middleware (session, participant, language) and the test client"
    )
    print(
        f"{sum(r.accepted for r in runs):,} ballots accepted, {sum(r.lost for r in runs)} lost, "
        f"{sum(r.double for r in runs)} double; load average over the runs {load:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
