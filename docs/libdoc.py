"""Writes the keyword documentation, docs/PlutoraLibrary.html, with libdoc::

    python docs/libdoc.py            # docs/PlutoraLibrary.html
    python docs/libdoc.py OUT.html   # elsewhere (the libdoc test builds into a folder of its own)

The sources it names are relative to the repository, so that the page does not depend on
where it was built. Exits with libdoc's status; libdoc's warnings go to stderr.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "PlutoraLibrary.html"
COMMAND = "python docs/libdoc.py"
#: libdoc makes every pair of backticks a name (italics), escaped or not: an escaped pair (a
#: filter's quoting in an example, a backslash before each backtick in the docstring) shows as
#: a backslash and the name. Such a pair is put back as the backticks the example needs (in
#: the page's JSON, hence the doubled escapes).
_ESCAPED_NAME = re.compile(r'\\\\<span class=\\"name\\">(.*?)\\\\</span>')


def build(output: Path = PAGE) -> int:
    """Run libdoc into ``output`` and make its source paths repo-relative; libdoc's status.

    Example: ``build(Path("/tmp/PlutoraLibrary.html"))``
    """
    result = subprocess.run(  # noqa: S603 - this Python, fixed arguments
        [sys.executable, "-m", "robot.libdoc", "--quiet", "PlutoraLibrary", str(output)],
        cwd=ROOT,
        check=False,
    )
    if result.returncode == 0:
        page = output.read_text(encoding="utf-8").replace(f"{ROOT}/", "")
        page = _ESCAPED_NAME.sub(r"`\1`", page)
        output.write_text(page, encoding="utf-8")
    return result.returncode


if __name__ == "__main__":
    sys.exit(build(Path(sys.argv[1]) if len(sys.argv) > 1 else PAGE))
