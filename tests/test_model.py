"""The site model's back-references."""

from __future__ import annotations

from generator.build import Project, check


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
