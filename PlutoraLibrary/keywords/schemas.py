"""Schema assertions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from robot.api import logger
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

    @keyword(tags=["schemas", "recordings"])
    def recording_should_match_contract(
        self, recording: Path, fail_on: str = "default", baseline: Path | None = None
    ) -> str:
        """Fails when the recording ``recording`` (written with ``record=FILE``,
        ``--plutora-record FILE`` or ``plutora record FILE``) drifts from the shipped
        contract: a status an operation does not list, a required field missing, a value of
        another type. The table of every finding is logged and returned, new fields, enum,
        lookup and custom-field values included (reported, not failing).

        ``fail_on``: the kinds that fail, comma-separated (``status``, ``missing``, ``type``,
        ``new``, ``enum``, ``lookup``, ``custom field``, ``operation``; ``all``, ``none``,
        ``default``). ``baseline``: another recording whose lookup values and custom fields
        count as known (default: the simulator's default site). The file is read line by
        line: any size takes constant memory.

        | Recording Should Match Contract | ${OUTPUT DIR}/site.ndjson |
        | Recording Should Match Contract | ${CURDIR}/site.ndjson | fail_on=default,new |
        """
        from ..core.drift import Vocabulary, check_drift, fail_kinds

        words = Vocabulary.of_recording(baseline) if baseline else None
        report = check_drift(recording, fail_kinds(fail_on), words)
        text = report.table()
        logger.info(text)
        if report.failing():
            lines = report.failing_lines()
            raise AssertionError(
                f"The recording {recording} drifts from the contract: {len(lines)} failing "
                f"line(s):\n"
                + "\n".join(
                    f"{line.operation}: {line.kind} at {line.path}, seen {line.count} time(s)"
                    + (f": {', '.join(line.details)}" if line.details else "")
                    for line in lines
                )
            )
        return text
