"""The rules file's consistency checks: tier keys, and a segment map that covers each R x FM cell once."""

from __future__ import annotations

import pytest
from conftest import invoke

from custseg.config.rules import rules_from_text
from custseg.errors import RulesError


def tier(key: str, when: str = "true") -> str:
    return f"[[tiers]]\nkey = '{key}'\nlabel_zh = '{key}'\nlabel_en = '{key}'\nwhen = '{when}'\n"


def segment(key: str, *cells: str) -> str:
    return f"[[segments]]\nkey = '{key}'\nlabel_zh = '{key}'\nlabel_en = '{key}'\ncells = {list(cells)!r}\n"


def message(text: str) -> str:
    with pytest.raises(RulesError) as caught:
        rules_from_text(text, "r.toml")
    return caught.value.message


def test_a_tier_key_used_twice():
    assert message(tier("a", "frequency > 1") + tier("a")) == "r.toml: (top level): tiers: the key 'a' is used twice"


def test_no_tier_at_all():
    assert message("tiers = []\n") == "r.toml: (top level): tiers: give at least one tier"


def test_a_segment_key_used_twice():
    text = segment("x", "1-5:1-5") + segment("x", "5:5")
    assert message(text) == "r.toml: (top level): segments: a key is used twice"


def test_segment_map_gaps_are_listed_by_cell():
    # R 1-5 x FM 1-3, and FM 4-5 only for R 1-3: R 5 and 4 at FM 4 and 5 are left, from the top.
    text = segment("low", "1-5:1-3") + segment("high", "1-3:4-5")
    assert message(text) == "r.toml: (top level): segments: no segment covers R:FM 5:4, 5:5, 4:4, 4:5"


def test_segment_map_overlaps_are_listed_by_cell():
    text = segment("all", "1-5:1-5") + segment("top", "5:5", "4:4-5")
    assert message(text) == "r.toml: (top level): segments: more than one segment covers R:FM 5:5, 4:4, 4:5"


def test_a_segment_cell_outside_the_scores():
    assert (
        message(segment("x", "6:1"))
        == "r.toml: segments[0].cells: cell '6:1' is not R:FM such as \"5:4-5\" (scores 1-5)"
    )


def test_rules_check_exits_1_on_a_gap(runner, tmp_path):
    p = tmp_path / "r.toml"
    p.write_text(segment("low", "1-5:1-4") + segment("high", "1-4:5"), encoding="utf-8")
    result = invoke(runner, ["rules", "check", str(p)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"Error: {p}: (top level): segments: no segment covers R:FM 5:5"


@pytest.mark.parametrize("key", ["", "  "])
def test_an_empty_key_is_refused(key):
    """A tier, segment or tag keyed "" would read as none: customers without a segment have segment ""."""
    assert message(tier(key)) == "r.toml: tiers[0].key: a key cannot be empty"
    assert message(segment(key, "1-5:1-5")) == "r.toml: segments[0].key: a key cannot be empty"
    assert message(f"[[tags]]\nkey = '{key}'\nwhen = 'true'\n") == "r.toml: tags[0].key: a key cannot be empty"
