"""The garbage collector paused around large work (reports, imports): on again afterwards, even
after an error, only once the last of nested holders is done, and left off when the caller had
turned it off. No database."""

from __future__ import annotations

import gc

import pytest

from domain.collector import paused


@pytest.fixture
def collector_state():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


@pytest.mark.usefixtures("collector_state")
def test_the_collector_is_off_inside_and_on_again_after():
    gc.enable()
    with paused():
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_state")
def test_the_collector_is_on_again_after_an_error():
    gc.enable()
    with pytest.raises(ValueError), paused():
        raise ValueError("a failing build")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_state")
def test_a_collector_the_caller_turned_off_stays_off():
    gc.disable()
    with paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


@pytest.mark.usefixtures("collector_state")
def test_nested_holders_resume_the_collector_only_when_the_last_is_done():
    gc.enable()
    with paused():
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
