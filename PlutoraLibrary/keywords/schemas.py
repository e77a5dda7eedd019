"""Schema assertions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from robot.api.deco import keyword

from ..core import SchemaMismatch, schema_names
from .context import PlutoraContext
from .types import SchemaShape, member_of


class SchemaKeywords:
    """Keywords that check data against JSON Schemas."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword(tags=["schemas"])
    def should_match_schema(
        self, data: Any, schema: str, shape: SchemaShape = SchemaShape.ONE
    ) -> None:
        """Fails unless ``data`` matches ``schema``: a shipped schema by name (``release``,
        ``defect``, …) or the path of your own JSON Schema file. ``shape`` (`SchemaShape`) is
        ``one``, ``list`` (a list of them) or ``page`` (the paged list holding them); it
        applies to shipped schemas. The failure lists every mismatch (the first 20, then how
        many more), each with its JSON path, the expectation and the actual value (masked
        under secret-looking keys); a list item checked against a detail schema (``release``)
        is told which list schema to use (``release-list-item``).

        | ${release} =    | Get Release | ${id} |
        | Should Match Schema | ${release} | release |
        | Should Match Schema | ${defects} | defect | shape=list |
        | Should Match Schema | ${data} | ${CURDIR}/schemas/my-release.json |
        """
        schemas = self.context.plutora.schemas
        try:
            if schema in schema_names():
                schemas.validate(data, schema, member_of(SchemaShape, shape).value)
            elif schema.endswith(".json") or Path(schema).exists():
                schemas.validate_file(data, schema)
            else:
                raise ValueError(
                    f"{schema!r} is neither a shipped schema ({', '.join(schema_names())}) nor "
                    "a schema file."
                )
        except SchemaMismatch as error:
            raise AssertionError(str(error)) from None
