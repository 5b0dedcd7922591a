"""Pabulib files: the four real elections read as published, written back unchanged, broken files refused with the
line and the reason, and `gisportal pabulib FILE --rule ...` printing the winners."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pabutools.election import parse_pabulib

from gisportal.budgeting import pabulib

PB = Path(__file__).resolve().parents[2] / "fixtures" / "pb"
FILES = sorted(PB.glob("*.pb"))
TOULOUSE_17 = PB / "France_Toulouse_2022_17_-_Mirail-Universite_Reynerie_Bellefontaine.pb"
CZESTOCHOWA = PB / "Poland_Czestochowa_2024_Grabowka.pb"
SWIECIE = PB / "Poland_Swiecie_2023.pb"

SMALL = """META
key;value
description;Test
num_projects;2
num_votes;2
budget;100.0
vote_type;approval
PROJECTS
project_id;cost;name
p1;60.0;Benches
p2;40;Trees
VOTES
voter_id;vote
v1;p1,p2
v2;p2
"""


def test_the_real_files_are_read_as_published():
    toulouse = pabulib.read(TOULOUSE_17)
    assert (toulouse.budget, toulouse.vote_type, len(toulouse.projects), len(toulouse.voters)) == (
        400_000,
        "approval",
        10,
        93,
    )
    oasis = toulouse.projects["182"]
    assert oasis.cost == 200_000  # written 200000.0
    assert oasis.name == """Aménagement de cours "OASIS" à l'école élémentaire Victor Hugo"""
    assert oasis.extra == {
        "category": "Nature en ville",
        "district": "17 - Mirail-Université / Reynerie / Bellefontaine",
    }
    assert (oasis.votes, oasis.selected) == (33, None)
    assert toulouse.voters[8] == pabulib.VoterRow("17-364", ("186", "183", "180"), None, {})

    czestochowa = pabulib.read(CZESTOCHOWA)
    assert czestochowa.vote_type == "cumulative"
    assert czestochowa.voters[3] == pabulib.VoterRow(
        "303", ("656", "711"), (5, 5), {"sex": "F", "voting_method": "internet"}
    )
    assert czestochowa.projects["261"].selected is True
    assert czestochowa.projects["692"].selected is False
    assert czestochowa.projects["692"].extra["score"] == "585"

    swiecie = pabulib.read(SWIECIE)
    assert (swiecie.budget, swiecie.meta["rule"], len(swiecie.voters)) == (1_070_000, "equalshares/add1", 2553)
    assert sum(p.selected is True for p in swiecie.projects.values()) == 17


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_real_files_read_as_pabutools_reads_them(path):
    election = pabulib.read(path)
    instance, profile = parse_pabulib(str(path))
    assert {p.name: int(p.cost) for p in instance} == {p.id: p.cost for p in election.projects.values()}
    assert instance.budget_limit == election.budget
    theirs = sorted(
        sorted((p.name, int(ballot[p]) if election.voters[0].points else 1) for p in ballot) for ballot in profile
    )
    ours = sorted(sorted(zip(v.choices, v.points or [1] * len(v.choices), strict=True)) for v in election.voters)
    assert ours == theirs


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_writing_a_real_file_back_reads_the_same_election(path):
    election = pabulib.read(path)
    written = pabulib.write(election)
    assert pabulib.parse(written) == election
    assert pabulib.write(pabulib.parse(written)) == written


def test_quoted_semicolons_crlf_and_a_byte_order_mark_are_read():
    text = "\ufeff" + SMALL.replace("description;Test", 'comment;"Vote; online and on paper"').replace("\n", "\r\n")
    election = pabulib.parse(text)
    assert election.meta["comment"] == "Vote; online and on paper"
    assert election.projects["p1"] == pabulib.ProjectRow("p1", 60, "Benches")
    assert pabulib.parse(pabulib.write(election)) == election


def test_the_writer_counts_projects_and_voters_itself():
    election = pabulib.parse(SMALL)
    fewer = pabulib.Election(election.meta, election.projects, election.voters[:1])
    assert pabulib.parse(pabulib.write(fewer)).meta["num_votes"] == "1"


def test_the_counting_order_is_natural_by_project_id():
    ids, costs, ballots = pabulib.read(SWIECIE).ballots()
    assert ids[:11] == ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11"]
    assert costs[1] == 40_000
    assert list(ballots.projects[ballots.start[0] : ballots.start[1]]) == [0, 1, 10, 20, 19]  # v1: c1,c2,c11,c21,c20


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (SMALL.replace("VOTES\nvoter_id;vote\nv1;p1,p2\nv2;p2\n", ""), 12, "no VOTES section"),
        ("description;x\n" + SMALL, 1, "text before the META section"),
        (SMALL.replace("budget;100.0\n", ""), 2, "META has no budget"),
        (SMALL.replace("budget;100.0", "budget;lots"), 6, "budget 'lots' is not a number"),
        (
            SMALL.replace("vote_type;approval", "vote_type;preferential"),
            7,
            "unknown vote_type 'preferential' (one of approval, choose-1, cumulative, ordinal, scoring)",
        ),
        (SMALL.replace("p1;60.0;Benches", "p1;60.5;Benches"), 10, "project p1: '60.5' is not a whole amount"),
        (SMALL.replace("p1;60.0;Benches", "p1;60.0"), 10, "2 fields where the header has 3"),
        (SMALL.replace("p2;40;Trees", "p1;40;Trees"), 11, "project p1 given twice"),
        (SMALL.replace("project_id;cost;name", "project_id;price;name"), 9, "the PROJECTS header has no cost column"),
        (SMALL.replace("v2;p2", "v2;p3"), 15, "voter v2 chose p3, which is not in PROJECTS"),
        (SMALL.replace("v2;p2", "v1;p2"), 15, "voter v1 given twice"),
        (SMALL.replace("v2;p2", "v2;p2,p2"), 15, "voter v2 chose the same project twice"),
        (SMALL.replace("num_votes;2", "num_votes;3"), 5, "META num_votes says 3, the file has 2 voters"),
        (SMALL.replace("p2;40;Trees", '"p2;40;Trees'), 11, "broken CSV (unexpected end of data)"),
    ],
)
def test_a_broken_file_is_refused_with_its_line_and_reason(text, line, reason):
    with pytest.raises(pabulib.PabulibError) as refused:
        pabulib.parse(text)
    assert (refused.value.line, refused.value.reason) == (line, reason)
    assert str(refused.value) == f"line {line}: {reason}"


def test_points_are_checked_on_cumulative_ballots():
    cumulative = SMALL.replace("vote_type;approval", "vote_type;cumulative")
    with pytest.raises(pabulib.PabulibError, match="line 13: cumulative ballots need a points column"):
        pabulib.parse(cumulative)
    with_points = cumulative.replace("voter_id;vote\nv1;p1,p2\nv2;p2", "voter_id;vote;points\nv1;p1,p2;4,6\nv2;p2;x")
    with pytest.raises(pabulib.PabulibError, match="line 15: voter v2: points 'x' is not a number"):
        pabulib.parse(with_points)
    with pytest.raises(pabulib.PabulibError, match="line 14: voter v1: 1 points for 2 projects"):
        pabulib.parse(with_points.replace("4,6", "10"))
    assert pabulib.parse(with_points.replace(";x", ";10")).voters[0].points == (4, 6)


def test_selected_must_be_zero_or_one():
    text = SMALL.replace("project_id;cost;name", "project_id;cost;name;selected").replace("Benches", "Benches;yes")
    with pytest.raises(pabulib.PabulibError, match="line 10: project p1: selected is 'yes', not 0 or 1"):
        pabulib.parse(text.replace("Trees", "Trees;0"))


# gisportal pabulib FILE --rule ...


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("pabulib", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_prints_the_winners_in_the_order_selected():
    out, err = run(str(SWIECIE), "--rule", "equal-shares")
    winners = out.split()
    assert winners[:3] == ["c12", "c10", "c20"]
    assert set(winners) == {p.id for p in pabulib.read(SWIECIE).projects.values() if p.selected}
    assert err == "17 of 22 projects selected, 1,040,337 of 1,070,000 PLN (equal shares with add1, 2,553 voters)\n"
    out, err = run(str(CZESTOCHOWA), "--rule", "greedy")
    assert out == "261\n60\n"
    assert err.startswith("2 of 16 projects selected, 249,400 of 250,115 PLN (greedy by votes")


def test_the_command_refuses_what_it_cannot_count(tmp_path):
    with pytest.raises(CommandError, match="equal shares counts approval ballots; this file's are cumulative"):
        run(str(CZESTOCHOWA), "--rule", "equal-shares")
    broken = tmp_path / "broken.pb"
    broken.write_text(SMALL.replace("v2;p2", "v2;p3"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"broken\.pb, line 15: voter v2 chose p3"):
        run(str(broken), "--rule", "greedy")
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "missing.pb"), "--rule", "greedy")
    votes = "voter_id;vote;points\nv1;p1;-2\nv2;p2;1"
    scoring = SMALL.replace("approval", "scoring").replace("voter_id;vote\nv1;p1,p2\nv2;p2", votes)
    broken.write_text(scoring, encoding="utf-8")
    with pytest.raises(CommandError, match="points must be given for every choice and never be negative"):
        run(str(broken), "--rule", "greedy")
