"""Masking and schema validation (unit): secrets never shown, readable mismatch messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from PlutoraLibrary.core import PlutoraClient, SchemaMismatch, Schemas, schema_names
from PlutoraLibrary.core.reporting import (
    SECRETS,
    mask_body,
    mask_body_cut,
    mask_form,
    mask_headers,
    mask_json,
    mask_url,
    truncate,
)
from PlutoraLibrary.core.validation import SCHEMA_BASE, schema_resources
from PlutoraLibrary.simulator.seed import build_seed


def test_headers_lose_authorization_and_cookies() -> None:
    masked = mask_headers(
        {"Authorization": "bearer abc", "Cookie": "x=1", "Accept": "application/json"}
    )
    assert masked == {"Authorization": "***", "Cookie": "***", "Accept": "application/json"}


def test_json_bodies_lose_values_under_secret_keys_at_any_depth() -> None:
    body = {
        "access_token": "t0k3n-value",
        "token_type": "bearer",
        "nested": [{"client_secret": "s3cr3t", "password": "pw", "name": "kept"}],
    }
    assert mask_json(body) == {
        "access_token": "***",
        "token_type": "bearer",
        "nested": [{"client_secret": "***", "password": "***", "name": "kept"}],
    }


def test_forms_and_urls_lose_secret_fields() -> None:
    form = "client_id=abc&client_secret=s3cr3t&grant_type=password&password=hunter2"
    assert mask_form(form) == "client_id=abc&client_secret=***&grant_type=password&password=***"
    assert (
        mask_url("https://user:pw@example.com/x?access_token=abc&page=2")
        == "https://***@example.com/x?access_token=***&page=2"
    )


def test_known_secret_values_are_replaced_wherever_they_appear() -> None:
    SECRETS.add("zebra-crossing-secret-42")
    assert (
        mask_body("the value zebra-crossing-secret-42 leaked", "text/plain")
        == "the value *** leaked"
    )
    assert mask_json({"note": "zebra-crossing-secret-42"}) == {"note": "***"}


def test_short_values_are_not_treated_as_secrets() -> None:
    SECRETS.add("ab", "")
    assert SECRETS.scrub("abc ab") == "abc ab"


def test_truncation_says_how_much_was_left_out() -> None:
    assert truncate("x" * 10, 4) == "xxxx… (6 more characters)"
    assert truncate("short", 10) == "short"
    assert truncate("abc", 0) == "(3 characters not shown)"


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(["name", "password", "Secret", "access_token", "x"]),
                inner,
                max_size=4,
            )
        ),
        max_leaves=15,
    )
)
def test_masking_never_leaves_a_value_under_a_secret_key(data: Any) -> None:
    def check(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key.lower() in ("password", "secret", "access_token") and value:
                    assert value == "***"
                check(value)
        elif isinstance(node, list):
            for item in node:
                check(item)

    check(mask_json(data))


_KEYS = st.sampled_from(
    ["name", "password", "PASSWD", "Secret", "access_token", "apiKey", "x", "id", "\u017fecret",
     "api_\u212aey", "t\u0130tle", "note"]
)  # fmt: skip


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS | st.text(max_size=8), inner),
    max_leaves=12,
)


@given(st.dictionaries(_KEYS, _JSON, min_size=1, max_size=3), st.booleans())
def test_masking_a_json_body_equals_masking_its_parsed_values(data: Any, ascii_only: bool) -> None:
    # The cheap path (plain text without a secret-looking word) must agree with the full one.
    text = json.dumps(data, ensure_ascii=ascii_only)
    masked = mask_body(text, "application/json")
    assert json.loads(masked) == mask_json(json.loads(text))


@given(
    st.dictionaries(_KEYS, _JSON, min_size=1, max_size=4) | st.lists(_JSON, max_size=5),
    st.integers(min_value=0, max_value=80),
    st.booleans(),
)
def test_masking_only_the_start_equals_the_start_of_the_whole_masking(
    data: Any, limit: int, ascii_only: bool
) -> None:
    text = json.dumps(data, ensure_ascii=ascii_only)
    shown, size = mask_body_cut(text, "application/json", limit)
    assert shown == mask_body(text, "application/json")[:limit]
    assert size == (len(text) if len(text) > limit else None)


@given(st.lists(st.sampled_from(["ab", "cd", " ", "x"]), max_size=40), st.integers(0, 30))
def test_a_secret_across_the_cut_is_never_half_shown(parts: list[str], limit: int) -> None:
    SECRETS.add("cut-secret-value-1", "cs-2-xy")
    text = "".join(part if part != "x" else "cut-secret-value-1cs-2-xy" for part in parts)
    shown, _ = mask_body_cut(text, "text/plain", limit)
    assert shown == SECRETS.scrub(text)[:limit]
    for secret in ("cut-secret-value-1", "cs-2-xy"):
        assert not any(shown.endswith(secret[:n]) and n >= 3 for n in range(3, len(secret)))


def test_a_long_answer_is_masked_only_as_far_as_it_is_shown() -> None:
    page = json.dumps({"resultSet": [{"id": n, "apiKey": f"k{n}"} for n in range(2000)]})
    shown, size = mask_body_cut(page, "application/json", 100)
    assert size == len(page)
    assert shown == mask_body(page, "application/json")[:100]
    assert '"apiKey": "***"' in shown


def test_a_body_without_a_secret_looking_word_is_logged_as_sent() -> None:
    body = '{"id": "r-1", "name": "Release 1", "items": [1, 2]}'
    assert mask_body(body, "application/json") == body
    assert mask_body('{"refreshToken": "abc"}', "application/json") == '{"refreshToken": "***"}'
    assert mask_body('{"pass\\u0077ord": "abc"}', None) == '{"password": "***"}'
    assert mask_body('{"\u017fecret": "abc"}', None) == '{"\u017fecret": "***"}'


# -- schemas -----------------------------------------------------------------------------------

SEED = build_seed(3)


def test_every_shipped_schema_is_valid_2020_12() -> None:
    import jsonschema

    folder = Path(__file__).parents[2] / "PlutoraLibrary" / "core" / "schemas"
    for path in folder.glob("*.json"):
        document = json.loads(path.read_text())
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(document)
    assert {
        "token",
        "release",
        "release-list-item",
        "change",
        "environment",
        "host",
        "layer",
        "defect",
        "defect-search-envelope",
        "paged-list",
        "error-invalid",
    } <= set(schema_names())


def test_seed_data_matches_the_schemas() -> None:
    schemas = Schemas()
    schemas.validate(list(SEED.releases.values()), "release", "list")
    schemas.validate(list(SEED.changes.values()), "change", "list")
    schemas.validate(list(SEED.environments.values()), "environment", "list")
    schemas.validate(list(SEED.defects.values()), "defect", "list")


def _release() -> dict[str, Any]:
    return dict(next(iter(SEED.releases.values())))


def _reference_validator(name: str) -> jsonschema.Draft202012Validator:
    """The pure-Python reference implementation, over the same shipped files."""
    resources = [
        (uri, Resource.from_contents(document, default_specification=DRAFT202012))
        for uri, document in schema_resources()
    ]
    registry: Registry[Any] = Registry().with_resources(resources)
    return jsonschema.Draft202012Validator(
        {"$ref": f"{SCHEMA_BASE}{name}.json"}, registry=registry, format_checker=None
    )


_REFERENCE = {name: _reference_validator(name) for name in ("release", "defect", "change")}
_RECORDS = {
    "release": next(iter(SEED.releases.values())),
    "defect": next(iter(SEED.defects.values())),
    "change": next(iter(SEED.changes.values())),
}
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
    | st.sampled_from(["2016-12-31T00:00:00", "2016-12-31", "/Date(1483142400000)/", "Draft"]),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=5), inner, max_size=2),
    max_leaves=4,
)  # fmt: skip


@given(st.sampled_from(sorted(_RECORDS)), st.data())
def test_validation_agrees_with_the_reference_implementation(name: str, data: Any) -> None:
    # Mutate a valid record (a field set to any JSON value, or removed): jsonschema-rs and
    # the reference jsonschema must give the same verdict, and a mismatch names a real path.
    record = dict(_RECORDS[name])
    key = data.draw(st.sampled_from(sorted(record)))
    if data.draw(st.booleans()):
        del record[key]
    else:
        record[key] = data.draw(_VALUES)
    found = Schemas().mismatches(record, name)
    assert (found == []) == _REFERENCE[name].is_valid(record)
    for line in found:
        assert line.startswith("$")


@pytest.mark.parametrize(
    ("change", "path", "expected"),
    [
        (
            {"implementationDate": "31/12/2016"},
            "$.implementationDate",
            "a value matching one of the allowed forms",
        ),
        ({"id": "R-1"}, "$.id", "a string matching"),
        (
            {"plutoraReleaseType": "Project"},
            "$.plutoraReleaseType",
            'one of "Enterprise", "Integrated", "Independent"',
        ),
        ({"name": None}, "$.name", "a value of type string"),
    ],
)
def test_a_mismatch_names_the_path_the_expectation_and_the_value(
    change: dict[str, Any], path: str, expected: str
) -> None:
    with pytest.raises(SchemaMismatch) as caught:
        Schemas().validate({**_release(), **change}, "release", where="GET /releases/x")
    error = caught.value
    assert error.json_path == path
    assert expected in error.expected
    assert str(error).startswith(
        "GET /releases/x: the data does not match schema 'release' at " + path
    )


def test_a_missing_property_is_named() -> None:
    release = _release()
    del release["identifier"]
    with pytest.raises(SchemaMismatch) as caught:
        Schemas().validate(release, "release")
    assert caught.value.json_path == "$.identifier"
    assert caught.value.actual == "no such property"


def test_both_date_styles_nulls_and_extra_properties_are_accepted() -> None:
    schemas = Schemas()
    for date in (
        "2016-12-31T00:00:00",
        "2017-01-09T03:17:38.9137257+00:00",
        "2020-01-01T00:00:00Z",
        None,
    ):
        schemas.validate({**_release(), "implementationDate": date, "somethingNew": 1}, "release")


def test_both_change_display_name_spellings_are_accepted() -> None:
    change = dict(next(iter(SEED.changes.values())))
    named = {
        (k + "Name" if k in ("changeStatus", "changePriority") else k): v for k, v in change.items()
    }
    Schemas().validate(change, "change")
    Schemas().validate(named, "change")
    with pytest.raises(SchemaMismatch):
        Schemas().validate({k: v for k, v in change.items() if k != "changeStatus"}, "change")


def test_a_page_is_validated_item_by_item() -> None:
    page = {
        "resultSet": [_release(), {"id": "x"}],
        "returnCount": 2,
        "totalCount": 2,
        "pageNum": 0,
        "recordsPerPage": 10,
    }
    with pytest.raises(SchemaMismatch) as caught:
        Schemas().validate(page, "release-list-item", "page")
    assert caught.value.json_path.startswith("$.resultSet[1]")


def test_values_under_secret_keys_never_appear_in_a_mismatch() -> None:
    with pytest.raises(SchemaMismatch) as caught:
        Schemas().validate(
            {"access_token": 12345678, "token_type": "bearer", "expires_in": 1}, "token"
        )
    assert "12345678" not in str(caught.value)
    assert caught.value.actual == "***"


def test_an_unknown_schema_name_suggests_the_closest_and_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"Did you mean 'release'\? Known schemas: .*release"):
        Schemas().validate({}, "relase")
    with pytest.raises(ValueError, match=r"Did you mean 'release-list-item'\?"):
        Schemas().validate({}, "ReleaseListItem")


def test_a_users_file_of_the_old_layout_still_resolves_the_building_blocks(
    tmp_path: Path,
) -> None:
    # Files written for 0.1.0 referenced common.json's $defs; they resolve in the contract.
    path = tmp_path / "ids.json"
    path.write_text(
        json.dumps(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "items": {"$ref": "https://robotframework-plutora.schemas/common.json#/$defs/guid"},
            }
        )
    )
    Schemas().validate_file(["6678d6bb-0000-4000-8000-000000000001"], path)
    with pytest.raises(SchemaMismatch, match=r"\$\[0\]: expected a string matching"):
        Schemas().validate_file(["R-1"], path)


def test_a_users_schema_file_can_reference_the_shipped_ones(tmp_path: Path) -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "release": {"$ref": "https://robotframework-plutora.schemas/release.json"},
            "count": {"type": "integer", "minimum": 1},
        },
        "required": ["release", "count"],
    }
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(schema))
    Schemas().validate_file({"release": _release(), "count": 2}, path)
    with pytest.raises(SchemaMismatch, match=r"schema 'mine.json' at \$.count"):
        Schemas().validate_file({"release": _release(), "count": 0}, path)


def test_a_broken_user_schema_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "objekt"}')
    with pytest.raises(ValueError, match="is not a valid JSON Schema"):
        Schemas().validate_file({}, bad)
    with pytest.raises(ValueError, match="Cannot read the schema file"):
        Schemas().validate_file({}, tmp_path / "absent.json")


def test_the_core_imports_neither_robot_nor_pytest() -> None:
    code = (
        "import sys; import PlutoraLibrary.core, PlutoraLibrary.core.check; "
        "bad = [m for m in ('robot', 'pytest', '_pytest') if m in sys.modules]; "
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_list_item_checked_as_a_detail_is_told_the_list_schema_first(
    client: PlutoraClient,
) -> None:
    item = client.releases()[0]
    with pytest.raises(SchemaMismatch) as caught:
        Schemas().validate(item, "release")
    lines = str(caught.value).splitlines()
    assert "release-list-item" in lines[1]  # right after the first mismatch, before the list
    assert caught.value.hint in lines[1]


def test_a_mismatch_message_puts_missing_properties_on_one_line_and_counts_the_rest() -> None:
    from PlutoraLibrary.core.errors import SHOWN_MISMATCHES, Mismatch

    wrong = [Mismatch(f"$[{n}].id", "a value of type string", str(n)) for n in range(30)]
    absent = [
        Mismatch(f"$[0].{name}", "the property to be present", "no such property")
        for name in ("name", "summary")
    ]
    short = str(SchemaMismatch("release", *wrong[0], mismatches=[wrong[0], *absent]))
    assert short.endswith("2 more mismatches:\n- $[0]: missing name, summary")
    message = str(SchemaMismatch("release", *wrong[0], mismatches=[*wrong, *absent]))
    assert "31 more mismatches:" in message
    assert message.count("\n- $[") == SHOWN_MISMATCHES - 1
    # 29 wrong ids and one line of missing properties, 19 of them shown
    assert message.endswith("\n- and 11 more lines")


def test_a_text_body_or_log_file_shows_no_secret_in_any_spelling() -> None:
    """The new user's log file: every secret-looking key, quoted JSON, authentication
    schemes, a URL's user information and a JSON Web Token are masked; ordinary words stay."""
    from PlutoraLibrary.core.reporting import mask_body

    log = (
        "password=v1pass PASSWORD=v2pass db_password=v3pass DB_PASSWORD=v4pass\n"
        "api_key: v5key apiKey=v6key token: v7tok x-api-key=v8key\n"
        '"password": "v9pass", Authorization: Basic djEwYmFzaWM=\n'
        "Authorization: Bearer v11bearer https://u:v12pw@host/x\n"
        "then Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl\n"
        "GET /health 200 keyboard=qwerty monkey=ok"
    )
    shown = mask_body(log, "text/plain")
    for secret in ("v1pass", "v2pass", "v3pass", "v4pass", "v5key", "v6key", "v7tok", "v8key",
                   "v9pass", "djEwYmFzaWM", "v11bearer", "v12pw", "eyJhbGci"):  # fmt: skip
        assert secret not in shown, secret
    assert '"password": "***"' in shown
    assert "https://***@host/x" in shown
    assert "keyboard=qwerty monkey=ok" in shown


@pytest.mark.timeout(60)  # a guard against a quadratic pattern (minutes), not a speed target
def test_masking_a_large_text_stays_linear_on_dotted_and_hyphenated_runs() -> None:
    """A log line of 200,000 ``a.a.`` or ``a-a-`` characters once took minutes (each
    position scanned to the end); the masked text is the text, unchanged."""
    from PlutoraLibrary.core.reporting import mask_text_assignments

    for text in ("a." * 100_000, "a-" * 100_000, "http" + "a." * 100_000):
        assert mask_text_assignments(text) == text
