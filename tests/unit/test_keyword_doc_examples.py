"""What libdoc shows of a keyword's example is what runs: a backtick in an example row must be
escaped (``\\```), or libdoc shows `` `name` `` as an italic name and a copied filter loses
its backticks."""

from __future__ import annotations

import re

from robot.libdocpkg import LibraryDocumentation

_UNESCAPED = re.compile(r"(?<!\\)`")


def test_no_example_row_has_an_unescaped_backtick() -> None:
    found = [
        f"{keyword.name}: {line.strip()}"
        for keyword in LibraryDocumentation("PlutoraLibrary").keywords
        for line in keyword.doc.splitlines()
        if line.strip().startswith("|") and _UNESCAPED.search(line)
    ]
    assert found == [], "escape the backticks (\\\\` in the source):\n" + "\n".join(found)


def test_the_keyword_page_shows_an_escaped_pair_as_backticks() -> None:
    """docs/libdoc.py puts the backticks back where libdoc made an escaped pair a name."""
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "docs" / "PlutoraLibrary.html").read_text(
        encoding="utf-8"
    )
    assert '\\\\<span class=\\"name\\">' not in page
    assert "`status` Equals `Approved`" in page  # Get Bookings' example, as it runs
