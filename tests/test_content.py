"""The first fact sheet itself: valid, complete in its links, and citing every seed."""

from __future__ import annotations

import pytest

from generator.build import Project, check, generate_files
from generator.model import Site
from generator.render import md_escape
from generator.validate import normalise

from conftest import REPO


@pytest.fixture(scope="module")
def site() -> Site:
    return check(Project(REPO))


def test_every_seed_is_cited(site: Site) -> None:
    seeds = {p.name for p in (REPO / "seeds").glob("*.txt")}
    archived = {s.seed for s in site.sources.values()}
    assert archived == seeds, "every seed needs a source record"
    cited = {sid for sid, uses in site.citations_by_source.items() if uses}
    assert cited == set(site.sources), "every source needs at least one citation"


def test_every_event_is_reported_and_placed_in_time(site: Site) -> None:
    assert site.meetings
    assert all(m.reports for m in site.meetings.values())
    assert site.undated == (), "every event needs at least a bound: its sources' dates give one"


def test_every_source_is_dated_with_a_basis(site: Site) -> None:
    for s in site.sources.values():
        assert s.published and s.published_basis, s.id
        if s.published_basis in ("outside-reference", "inferred"):
            assert s.published_note, f"{s.id}: say how the date was worked out"


def test_no_two_events_rest_on_the_same_words_unless_one_is_part_of_the_other(site: Site) -> None:
    """One real event, one record: two records whose existence rests on the same excerpt are one event."""

    def whole(mid: str) -> str:
        while site.meetings[mid].part_of:
            mid = site.meetings[mid].part_of
        return mid

    words = [
        (normalise(r.citation.excerpt), r.citation.source, m.id)
        for m in site.meetings.values()
        for r in m.reports
    ]
    for a, source_a, ma in words:
        for b, source_b, mb in words:
            if ma < mb and source_a == source_b and (a in b or b in a):
                assert whole(ma) == whole(mb), f"{ma} and {mb} both rest on {a!r}"


def test_renamed_events_keep_their_old_addresses(site: Site) -> None:
    files = generate_files(Project(REPO))
    assert site.former, "the re-curated events list the ids they had"
    for (kind, old), new in site.former.items():
        assert not old.startswith("undated-") or not new.startswith("undated-")
        page = files[f"{kind}/{old}.md"].decode("utf-8")
        assert f'redirect: "{new}.html"' in page
    assert not any(mid.startswith("undated-") for mid in site.meetings), "ids name the event, not its dating"


def test_who_met_whom_counts_held_encounters_once(site: Site) -> None:
    # Choe Son Hui and Lavrov: talks in Moscow (with the plaque ceremony, part of them) and talks in Wonsan.
    assert dict(site.met_with["choe-son-hui"])["sergei-lavrov"] == 2
    # Kim and Putin: Vladivostok 2019. The "previous meeting" of July 2025 may be that one (the article
    # gives no date or place), so it is not counted again; the September 2023 meeting is only expected
    # in the archived articles, and "met twice" counts are not meetings.
    assert dict(site.met_with["kim-jong-un"])["vladimir-putin"] == 1
    assert "kim-putin-vladivostok-2019" in site.meetings["putin-kim-previous-meeting"].may_be
    assert dict(site.to_meet["kim-jong-un"])["vladimir-putin"] == 1
    assert "xi-jinping" not in dict(site.met_with.get("kim-jong-un", ()))
    # The seven states that requested the Security Council meeting are not its participants.
    for state in ("france", "malta", "slovenia"):
        assert state not in site.met_with and state not in site.meetings_by_actor
        assert site.requested_by_actor[state] == ("un-security-council-meeting-icbm-2024",)


def _referenced(site: Site) -> tuple[set[str], set[str]]:
    actors: set[str] = set()
    places: set[str] = set()
    points = [
        p for r in (*site.actors.values(), *site.meetings.values(), *site.topics.values()) for p in r.points
    ]
    for p in points:
        actors |= {*p.actors, *([p.by] if p.by else [])}
        places |= set(p.places)
    for m in site.meetings.values():
        actors |= {x.actor for x in m.participants} | set(m.requested_by)
        actors |= {x for r in m.reports for x in r.claimants}
        actors |= set(m.date.claimants) if m.date else set()
        actors |= set(m.place_claimants)
        places |= {m.place} if m.place else set()
    for a in site.actors.values():
        actors |= {x for x in (a.affiliation, *(r.of for r in a.roles)) if x}
        places |= {a.based_in} if a.based_in else set()
    for pl in site.places.values():
        actors |= {pl.country} if pl.country else set()
        places |= {pl.within} if pl.within else set()
    for uses in site.statements_by_actor.values():
        actors |= {u.statement.speaker for u in uses}
    return actors, places


def test_no_actor_or_place_is_unreferenced(site: Site) -> None:
    actors, places = _referenced(site)
    assert sorted(set(site.actors) - actors) == []
    assert sorted(set(site.places) - places) == []


@pytest.mark.parametrize(
    ("spelling", "actor"),
    [
        ("Λαβρόφ", "Sergei Lavrov"),
        ("Lavrovi", "Sergei Lavrov"),
        ("Κιμ Γιονγκ Ουν", "Kim Jong Un"),
        ("Πούτιν", "Vladimir Putin"),
        ("Τσόε Σον-χούι", "Choe Son Hui"),
        ("Mun-Jae-in", "Moon Jae-in"),
    ],
)
def test_spellings_in_the_articles_are_recorded(site: Site, spelling: str, actor: str) -> None:
    owners = [a.name for a in site.actors.values() if spelling in {n.name for n in a.other_names}]
    assert owners == [actor]


def test_every_content_file_names_its_json_schema() -> None:
    for path in sorted((REPO / "content").glob("*/*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../../schemas/{path.parent.name}.schema.json", path
        assert (path.parent / "../../schemas" / f"{path.parent.name}.schema.json").resolve().is_file()


def test_a_joint_statement_is_shown_as_everyones(site: Site) -> None:
    """Five parties said it together: no page may show it as one party's alone."""
    joint = [
        (p, kind, id)
        for kind in ("meetings", "topics")
        for id, record in getattr(site, kind).items()
        for p in record.points
        if len(p.claimants) > 1
    ]
    assert joint, "the 2023 statement of the UN, US, UK, South Korea and Japan is recorded as joint"
    files = generate_files(Project(REPO))
    for p, kind, id in joint:
        page = files[f"{kind}/{id}.md"].decode("utf-8")
        names = [site.actors[a].name for a in p.claimants]
        line = next(line for line in page.splitlines() if md_escape(p.claim) in line)
        assert line.startswith("- According to "), line
        assert all(f"[{name}](" in line.split(":")[0] for name in names), line
        for who in p.claimants:
            actor_page = files[f"actors/{who}.md"].decode("utf-8")
            mine = next(line for line in actor_page.splitlines() if md_escape(p.claim) in line)
            others = [site.actors[a].name for a in p.claimants if a != who]
            assert mine.startswith("- Together with "), mine
            assert all(f"[{name}](" in mine for name in others), mine


def test_a_jointly_given_date_or_place_names_everyone(site: Site) -> None:
    files = generate_files(Project(REPO))
    found = 0
    for m in site.meetings.values():
        for label, claimants in (("Date", m.date.claimants if m.date else ()), ("Place", m.place_claimants)):
            if len(claimants) < 2:
                continue
            found += 1
            page = files[f"meetings/{m.id}.md"].decode("utf-8")
            row = next(line for line in page.splitlines() if line.startswith(f"| **{label}** |"))
            assert all(f"[{site.actors[a].name}](" in row for a in claimants), row
    assert found == 1  # Shoigu's visit to Pyongyang (place)
