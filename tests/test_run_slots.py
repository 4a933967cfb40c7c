"""Admission control of script runs (run_slots): queue, bounded wait, the slot always given back."""

from __future__ import annotations

import threading

import pytest

import run_slots


def test_a_run_waits_for_the_slot_and_gets_it_when_the_first_run_ends():
    slots = threading.BoundedSemaphore(1)
    first_in, second_done = threading.Event(), threading.Event()
    order: list[str] = []

    def second() -> None:
        first_in.wait(5)
        with run_slots.slot(5, slots=slots) as held:
            order.append(f"second held={held}")
        second_done.set()

    worker = threading.Thread(target=second)
    worker.start()
    with run_slots.slot(5, slots=slots) as held:
        first_in.set()
        # the second run is queued: it has not entered its block while this one holds the slot
        assert not second_done.wait(0.2)
        order.append(f"first held={held}")
    worker.join(5)
    assert order == ["first held=True", "second held=True"]


def test_a_run_that_waited_max_wait_runs_without_a_slot_and_gives_nothing_back():
    slots = threading.BoundedSemaphore(1)
    with run_slots.slot(5, slots=slots), run_slots.slot(0.05, slots=slots) as held:
        assert held is False
    # the one slot is free again (and only one: a BoundedSemaphore would raise on a double release)
    assert slots.acquire(timeout=0)
    assert not slots.acquire(timeout=0)


@pytest.mark.parametrize("exc", [RuntimeError, KeyboardInterrupt])
def test_the_slot_is_given_back_when_the_run_ends_with_an_exception(exc):
    # Streamlit ends a run early with exceptions (a rerun, st.stop): the slot must come back
    slots = threading.BoundedSemaphore(1)
    with pytest.raises(exc), run_slots.slot(1, slots=slots):
        raise exc
    assert slots.acquire(timeout=0)


@pytest.mark.parametrize("text", ["0", "-1", "two", "²", "1.5"])
def test_a_bad_slot_count_in_the_environment_names_the_variable_and_the_fix(monkeypatch, text):
    monkeypatch.setenv("LEEFBAARHEID_RUN_SLOTS", text)
    with pytest.raises(ValueError, match=r"LEEFBAARHEID_RUN_SLOTS=.*whole number of at least 1"):
        run_slots._slots_from_env()


def test_the_slot_count_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("LEEFBAARHEID_RUN_SLOTS", " 3 ")
    assert run_slots._slots_from_env() == 3
    monkeypatch.delenv("LEEFBAARHEID_RUN_SLOTS")
    assert run_slots._slots_from_env() == 1


def test_every_app_run_holds_a_slot_and_gives_it_back_also_when_a_page_ends_early(monkeypatch):
    from contextlib import contextmanager

    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    events: list[str] = []

    @contextmanager
    def recording_slot(*args, **kwargs):
        events.append("in")
        try:
            yield True
        finally:
            events.append("out")

    monkeypatch.setattr(run_slots, "slot", recording_slot)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["g"] = "GM0363"
    at.run()
    assert not at.exception and at.session_state["_view"].gemeente == "GM0363"
    assert events == ["in", "out"]
    at.switch_page("pages/trends.py").run()  # a page switch reruns the app: a second run, a second slot
    assert not at.exception
    assert events == ["in", "out"] * (len(events) // 2) and len(events) >= 4


def test_the_language_is_read_once_per_run_and_a_switch_shows_on_the_next_run():
    from streamlit.testing.v1 import AppTest

    import ui
    from tests.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["g"] = "GM0363"
    at.run()
    assert at.selectbox(key="gemeente").label == "Gemeente"
    at.selectbox(key="lang").select("en").run()
    assert not at.exception
    assert at.selectbox(key="gemeente").label == "Municipality"
    assert at.selectbox(key="measure").label == "Measure"
    at.selectbox(key="lang").select("nl").run()
    assert at.selectbox(key="gemeente").label == "Gemeente"
    # between runs (callbacks, other threads) nothing is remembered
    assert getattr(ui._RUN, "lang", None) is None
