"""The site model's back-references."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from generator.build import Project, check
from generator.loader import Document, load_content
from generator.model import DatingCache, RecordCache, _patched, build_site
from generator.validate import validate


def test_back_references(sample: Project) -> None:
    site = check(sample)
    # The talks and the ceremony during them are two events; Choe and Lavrov met once.
    assert site.meetings_by_actor["sergei-lavrov"] == ("2024-11-choe-lavrov-moscow", "choe-lavrov-plaque")
    assert site.met_with["sergei-lavrov"] == (("choe-son-hui", 1),)
    assert site.parts["2024-11-choe-lavrov-moscow"] == ("choe-lavrov-plaque",)
    assert site.related_to["kim-putin-russia-2023"] == ("2024-11-choe-lavrov-moscow",)  # both ways
    assert site.timeline == (
        "kim-putin-meetings",  # not before 2019
        "rail-link-opening",  # 1 July 2023
        "shoigu-visit-2023",  # 25-27 July 2023
        "kim-putin-russia-2023",  # 13 September 2023
        "arms-negotiations-2023",  # by September 2023: placed at the end of that month
        "2024-11-choe-lavrov-moscow",  # November 2024
        "choe-lavrov-plaque",  # November 2024: the time of the talks it is part of
        "un-security-council-missile-test",  # between 4 November and 2 December 2024
    )
    assert site.neighbours["2024-11-choe-lavrov-moscow"] == ("arms-negotiations-2023", "choe-lavrov-plaque")
    assert site.dates["2024"].children == ("2024-11",)
    assert site.former == {("meetings", "2023-09-kim-putin-expected"): "kim-putin-russia-2023"}


def test_a_meeting_of_one_links_nobody(sample: Project) -> None:
    for name in ("2024-11-choe-lavrov-moscow", "choe-lavrov-plaque"):
        meeting = sample.root / f"content/meetings/{name}.yaml"
        text = meeting.read_text(encoding="utf-8")
        text = text.replace(
            "  - actor: sergei-lavrov\n    role: Minister of Foreign Affairs of Russia\n    side: host\n", ""
        )
        text = text.replace("  - actor: sergei-lavrov\n    side: host\n", "")
        meeting.write_text(text, encoding="utf-8")
    site = check(sample)
    assert "choe-son-hui" not in site.met_with
    assert site.meetings_by_actor["choe-son-hui"] == ("2024-11-choe-lavrov-moscow", "choe-lavrov-plaque")


def _leaves(data: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """The path of every string, number and list of two or more items in a document's data."""
    out: list[tuple[object, ...]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            out.extend(_leaves(value, (*path, key)))
    elif isinstance(data, list):
        if len(data) > 1:
            out.append(path)
        for i, value in enumerate(data):
            out.extend(_leaves(value, (*path, i)))
    elif isinstance(data, (str, int)) and not isinstance(data, bool):
        out.append(path)
    return out


def _edited(data: object, path: tuple[object, ...]) -> object:
    """A deep copy of ``data``, the value at ``path`` changed: text added, a number up, a list reversed."""
    data = copy.deepcopy(data)
    *parents, last = path
    holder: Any = data
    for key in parents:
        holder = holder[key]
    value = holder[last]
    if isinstance(value, list):
        holder[last] = value[::-1]
    elif isinstance(value, str):
        holder[last] = value + " (edited)"
    else:
        holder[last] = value + 1
    return data


def test_an_edit_patched_into_the_model_gives_the_model_built_afresh(sample: Project) -> None:
    """The model after an edit is the same whether patched into the previous one or built again.

    Every string, number and list of a few documents of each kind is changed in
    turn, after a save of the same document that changed nothing; edits the
    checks refuse are left out, since no model is built for them.
    """
    content = load_content(sample.root)
    assert not validate(content)
    by_kind: dict[str, list[Document]] = {}
    for doc in content.documents:
        by_kind.setdefault(doc.kind, []).append(doc)
    patched = tried = 0  # edits in all, and those patched in rather than built afresh
    for docs in by_kind.values():
        for doc in sorted(docs, key=lambda d: -len(_leaves(d.data)))[:3]:
            for path in _leaves(doc.data):
                if path in (("id",),):
                    continue
                changed = dataclasses.replace(doc, data=_edited(doc.data, path))
                documents = [changed if d is doc else d for d in content.documents]
                edited = dataclasses.replace(content, documents=documents, problems=[])
                if validate(edited):
                    continue
                cache: RecordCache = {}
                datings: DatingCache = {}
                previous = build_site(content.documents, "Sheet", cache, datings, content.seeds)
                # First a save that changes nothing (a new document, equal values), patched in too:
                # the next patch must find what this one left in the listings.
                resaved = dataclasses.replace(doc, data=copy.deepcopy(doc.data))
                same = [resaved if d is doc else d for d in content.documents]
                between = build_site(same, "Sheet", cache, datings, content.seeds, previous=previous)
                assert between == previous
                afresh = build_site(documents, "Sheet", seeds=content.seeds)
                quick = _patched(between, documents, "Sheet", dict(cache), dict(datings), content.seeds)
                assert quick is None or quick == afresh, (doc.file, path)
                after = build_site(documents, "Sheet", cache, datings, content.seeds, previous=between)
                assert after == afresh, (doc.file, path)
                tried += 1
                patched += quick is not None
    assert tried >= 50 and 0 < patched < tried


def test_a_new_title_is_patched_in_and_every_listing_it_leaves_alone_is_kept(sample: Project) -> None:
    content = load_content(sample.root)
    cache: RecordCache = {}
    previous = build_site(content.documents, "Sheet", cache, {}, content.seeds)
    doc = next(d for d in content.documents if d.file.endswith("2024-11-choe-lavrov-moscow.yaml"))
    changed = dataclasses.replace(doc, data={**doc.data, "title": "Choe and Lavrov in Moscow"})
    documents = [changed if d is doc else d for d in content.documents]
    after = _patched(previous, documents, "Sheet", dict(cache), None, content.seeds)
    assert after is not None
    assert after.meetings["2024-11-choe-lavrov-moscow"].title == "Choe and Lavrov in Moscow"
    assert after == build_site(documents, "Sheet", seeds=content.seeds)
    assert after.timeline is previous.timeline and after.met_with is previous.met_with
    # The title is in what its citations support: the source's list of uses is patched, not kept.
    assert after.citations_by_source != previous.citations_by_source
    # A new date moves the event in time: built again, not patched.
    dated = dataclasses.replace(doc, data={**doc.data, "date": {**doc.data["date"], "on": "2024-10"}})
    documents = [dated if d is doc else d for d in content.documents]
    assert _patched(previous, documents, "Sheet", dict(cache), None, content.seeds) is None
