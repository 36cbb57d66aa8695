"""The first fact sheet itself: valid, complete in its links, and citing every seed."""

from __future__ import annotations

import pytest

from generator.build import Project, check, generate_files
from generator.model import Site
from generator.render import md_escape

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


def test_no_meeting_lacks_a_citation(site: Site) -> None:
    assert site.meetings
    assert all(m.citations for m in site.meetings.values())


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
        actors |= {x.actor for x in m.participants}
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
    assert found == 2  # the 2023 officials' visit (date) and Shoigu's visit (place)
