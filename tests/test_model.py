"""The site model's back-references."""

from __future__ import annotations

from generator.build import Project, check


def test_back_references(sample: Project) -> None:
    site = check(sample)
    assert site.meetings_by_actor["sergei-lavrov"] == ("2024-11-choe-lavrov-moscow",)
    assert site.met_with["sergei-lavrov"] == (("choe-son-hui", 1),)
    assert site.related_to["2023-09-kim-putin-expected"] == ("2024-11-choe-lavrov-moscow",)  # both ways
    assert site.timeline == ("2023-09-kim-putin-expected", "2024-11-choe-lavrov-moscow")
    assert site.neighbours["2024-11-choe-lavrov-moscow"] == ("2023-09-kim-putin-expected", None)
    assert set(site.dates) == {"2023", "2023-09", "2024", "2024-11"}
    assert site.dates["2024"].children == ("2024-11",)


def test_a_meeting_of_one_links_nobody(sample: Project) -> None:
    meeting = sample.root / "content/meetings/2024-11-choe-lavrov-moscow.yaml"
    text = meeting.read_text(encoding="utf-8")
    text = text.replace(
        "  - actor: sergei-lavrov\n    role: Minister of Foreign Affairs of Russia\n    side: host\n", ""
    )
    meeting.write_text(text, encoding="utf-8")
    site = check(sample)
    assert "choe-son-hui" not in site.met_with
    assert site.meetings_by_actor["choe-son-hui"] == ("2024-11-choe-lavrov-moscow",)
