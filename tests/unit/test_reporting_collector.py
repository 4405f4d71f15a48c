"""The garbage collector held off while a report is built: on again afterwards, even after an
error, and left off when the caller had turned it off. No database."""

from __future__ import annotations

import gc

import pytest

from domain.reporting.collector import held_off


@pytest.fixture
def collector_state():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


@pytest.mark.usefixtures("collector_state")
def test_the_collector_is_off_inside_and_on_again_after():
    gc.enable()
    with held_off():
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_state")
def test_the_collector_is_on_again_after_an_error():
    gc.enable()
    with pytest.raises(ValueError), held_off():
        raise ValueError("a failing build")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_state")
def test_a_collector_the_caller_turned_off_stays_off():
    gc.disable()
    with held_off():
        assert not gc.isenabled()
    assert not gc.isenabled()
