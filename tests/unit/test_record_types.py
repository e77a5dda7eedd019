"""The one normaliser of a ``record_type`` argument (stakeholders, linked items, comments):
any case, singular or plural; a type not taken is named with the types there are."""

from __future__ import annotations

import pytest

from PlutoraLibrary.core.comments import comment_type
from PlutoraLibrary.core.record_types import record_type


@pytest.mark.parametrize("given", ["release", "Release", "RELEASES", " releases ", "Releases"])
def test_any_case_singular_or_plural(given: str) -> None:
    assert record_type(given, ("release", "system", "change"), "Stakeholders") == "release"


def test_the_spelling_of_the_types_given_is_kept() -> None:
    assert comment_type("tecrs") == "TECR"
    assert comment_type("Environment") == "Environment"


@pytest.mark.parametrize("given", ["defect", "", "releasess", "rel"])
def test_a_type_not_taken_names_the_types_there_are(given: str) -> None:
    with pytest.raises(ValueError, match="of type release, change") as bad:
        record_type(given, ("release", "change"), "Linked items")
    assert str(bad.value).startswith("Linked items belong to")
    assert "nothing was sent" in str(bad.value)
