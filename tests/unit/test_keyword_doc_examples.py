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
