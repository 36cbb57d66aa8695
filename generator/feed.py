"""The Atom 1.0 feed of recent changes to records (RFC 4287), from the content's git history.

Written only when there is a history. Links are absolute when the site's address is known
(``site_url``), else relative to the feed, which sits at the site's root. Ids are
permanent: a change keeps its id however often the feed is rebuilt, whatever the
record is renamed to later, and wherever the site moves.
"""

from __future__ import annotations

import re
import uuid
from xml.sax.saxutils import escape, quoteattr

from .history import entry_id
from .model import Site
from .render import FEED_LIMIT, concerns, kind_label, page_path, records_by_file

FEED = "feed.xml"
WHATS_NEW = "whats-new.html"


def _html_path(md: str) -> str:
    return md[: -len(".md")] + ".html"


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """Text without the characters XML 1.0 forbids (a commit subject may carry any)."""
    return _NOT_XML.sub("", text)


def atom_feed(site: Site) -> str:
    history = site.history
    assert history is not None, "no feed without a history"
    base = history.site_url or ""
    feed_id = base + FEED if base else uuid.uuid5(uuid.NAMESPACE_URL, f"factsheet:{site.title}").urn
    files = records_by_file(site)
    recent = history.recent(FEED_LIMIT)
    updated = recent[0][1].stamp if recent else "1970-01-01T00:00:00Z"
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">\n',
        f"  <id>{escape(feed_id)}</id>\n",
        f"  <title>{escape(site.title)}: what's new</title>\n",
        f"  <subtitle>Records added, changed, renamed or removed in {escape(site.title)}.</subtitle>\n",
        f"  <updated>{updated}</updated>\n",
        f"  <author><name>{escape(site.title)} editors</name></author>\n",
        f'  <link rel="alternate" type="text/html" href={quoteattr(base + WHATS_NEW)}/>\n',
    ]
    if base:
        out.append(f'  <link rel="self" type="application/atom+xml" href={quoteattr(base + FEED)}/>\n')
    for file, change in recent:
        to_what = concerns(site, files, file, change)
        if to_what.id:
            title = f"{change.action.capitalize()}: {site.name_of(to_what.kind, to_what.id)}"
            href = base + _html_path(page_path(to_what.kind, to_what.id))
        else:  # a record removed since: each of its changes, and at its removal where it went
            title = f"{change.action.capitalize()}: {to_what.old}"
            href = base + WHATS_NEW
            if change.action != "removed":
                title += " (since removed)"
            elif to_what.now:
                title += f", now part of {site.name_of(to_what.kind, to_what.now)}"
                href = base + _html_path(page_path(to_what.kind, to_what.now))
        if to_what.was:
            title += f" (was {to_what.was})"
        summary = f"{kind_label(file).capitalize()} record, {change.file}: {_xml_text(change.subject)}"
        out += [
            "  <entry>\n",
            f"    <id>{entry_id(change)}</id>\n",
            f"    <title>{escape(_xml_text(title))}</title>\n",
            f"    <updated>{change.stamp}</updated>\n",
            f'    <link rel="alternate" type="text/html" href={quoteattr(href)}/>\n',
        ]
        if history.commit_url:
            out.append(f'    <link rel="related" href={quoteattr(history.commit_url + change.commit)}/>\n')
        out += [f"    <summary>{escape(summary)}</summary>\n", "  </entry>\n"]
    out.append("</feed>\n")
    return "".join(out)
