"""Every closed vocabulary is defined once, and what repeats it elsewhere agrees with it."""

import json
import re
from pathlib import Path

from mpconform import catalogue, outcomes, vocabulary
from mpconform.host import view

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "src" / "mpconform" / "host" / "schemas"


def test_the_readme_outcome_table_says_what_the_vocabulary_says():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What a cell's outcome means", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `([a-z]+)(?::<\w+>)?` \| (.+) \|$", section, re.M))
    assert rows == vocabulary.OUTCOMES


def test_the_legend_uses_the_vocabulary_meanings():
    legend = {name: meaning for name, _, meaning in view.LEGEND}
    for word, meaning in vocabulary.OUTCOMES.items():
        assert legend[word] == meaning


def test_the_schemas_allow_exactly_the_vocabulary():
    for name in ("shard.schema.json", "matrix.schema.json"):
        text = (SCHEMAS / name).read_text()
        schema = json.loads(text)
        pattern = re.compile(schema["$defs"]["outcome"]["pattern"])
        for word in outcomes.PLAIN_OUTCOMES:
            assert pattern.match(word), (name, word)
        assert pattern.match("raised:KeyError") and pattern.match("skipped:no fork here")
        assert not pattern.match("vanished")
        assert json.dumps(list(vocabulary.START_METHODS)) in text.replace(", ", ",").replace(",", ", ")
        assert json.dumps(list(vocabulary.SIDES) + [None]) in text


def test_the_catalogue_uses_every_word_it_defines():
    cases = catalogue.load()
    assert {case.pattern for case in cases} == set(vocabulary.PATTERNS)
    assert {case.container for case in cases} == set(vocabulary.CONTAINERS)
    assert {case.transport for case in cases} == set(vocabulary.TRANSPORTS)
    kinds = {key for case in cases for key in re.findall(r"'(manager\.\w+)'", repr(case.setup))}
    assert set(vocabulary.MANAGED_KINDS) <= kinds  # and the kinds the cases' own managers register


def test_every_pattern_has_a_title_a_meaning_and_a_link():
    for name, pattern in vocabulary.PATTERNS.items():
        assert set(pattern) == {"title", "meaning", "link"}, name
        assert pattern["link"].startswith("https://docs.python.org/"), name
