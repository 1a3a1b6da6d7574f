"""The bad-input corpus over every verb: no traceback, status 0/1/2, one-line errors, no file lost."""
import pytest

from tests.corpus.cases import CASES, problems, run_case
from tests.corpus.fixtures import make_inputs


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    return make_inputs(tmp_path_factory.mktemp("inputs"))


def test_the_corpus_is_large_and_covers_every_verb():
    from frontc.cli import COMMANDS
    assert len(CASES) >= 150
    assert set(COMMANDS) <= {command.split()[0] for _, command in CASES if command}


@pytest.mark.parametrize("expect, command", CASES, ids=[f"{i}:{c[:60]}" for i, (_, c) in enumerate(CASES)])
def test_case(expect, command, places, tmp_path):
    outcome = run_case(command, places, tmp_path / "out")
    found = [name for name, bad in problems(expect, outcome).items() if bad]
    assert not found, f"{found}: status {outcome.status}, stderr {outcome.err!r}, replaced {outcome.replaced}, " \
                      f"created {outcome.created}"
