"""``PlutoraLibrary.core``'s public names come from one table (``_PUBLIC``): ``__all__`` is
derived from it, every name resolves, and the imports type checkers read (under
``TYPE_CHECKING``) list the same names from the same modules."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import PlutoraLibrary.core as core

SOURCE = Path(core.__file__)


def _type_checking_imports() -> dict[str, set[str]]:
    """The names imported under ``if TYPE_CHECKING:``, by module (``"errors"``), each checked
    to be re-exported as itself (``X as X``)."""
    tree = ast.parse(SOURCE.read_text(encoding="utf-8"))
    (block,) = [
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    ]
    imports: dict[str, set[str]] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom)
        assert node.level == 1
        assert node.module
        for alias in node.names:
            assert alias.asname == alias.name, f"{alias.name} is not re-exported as itself"
            imports.setdefault(node.module, set()).add(alias.name)
    return imports


def test_all_is_the_table_and_every_name_resolves_from_its_module() -> None:
    table = {name: home for home, names in core._PUBLIC.items() for name in names}
    assert sorted(core.__all__) == sorted(table)
    assert len(core.__all__) == len(set(core.__all__))  # no name in two modules
    for name, home in table.items():
        module = importlib.import_module(f"PlutoraLibrary.core.{home}")
        assert getattr(core, name) is getattr(module, name), name
    assert "PlutoraError" in core.__all__  # the errors are in the table too


def test_the_type_checking_imports_match_the_table() -> None:
    table = {home: set(names) for home, names in core._PUBLIC.items()}
    assert _type_checking_imports() == table
