"""Work shared over processes: the same result as one process, errors surfaced, never a hang."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from generator import build as build_module
from generator import parallel
from generator.build import Project, generate_files
from generator.errors import ValidationFailed
from generator.parallel import WorkerDied, fork_map

from conftest import REPO, SAMPLE, count_spawns


def _pid_and_square(x: int) -> tuple[int, int]:
    return os.getpid(), x * x


def test_fork_map_keeps_order_and_uses_other_processes() -> None:
    results = fork_map(_pid_and_square, [1, 2, 3, 4])
    assert [r[1] for r in results] == [1, 4, 9, 16]
    pids = {r[0] for r in results}
    assert os.getpid() in pids and len(pids) == 4  # the last share runs here, the others forked


def _fail_on_two(x: int) -> int:
    if x == 2:
        raise ValueError(f"bad item {x}")
    return x


def test_an_error_in_a_worker_is_raised_here() -> None:
    with pytest.raises(ValueError, match="bad item 2"):
        fork_map(_fail_on_two, [1, 2, 3])


def _die(x: int) -> int:
    if x == 1:
        os._exit(3)  # a worker killed half-way sends nothing
    return x


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    with pytest.raises(WorkerDied, match="exit status"):
        fork_map(_die, [1, 2])


def _pid_start_and_square(x: int) -> tuple[int, float, int]:
    start = time.monotonic()
    time.sleep(0.01)
    return os.getpid(), start, x * x


def test_share_map_keeps_order_and_this_process_joins_after_its_own_work() -> None:
    ended: list[float] = []

    def first() -> None:
        time.sleep(0.3)  # meanwhile the worker takes the items, one after another
        ended.append(time.monotonic())

    results = parallel.share_map(_pid_start_and_square, list(range(60)), 2, first)
    assert [r[2] for r in results] == [x * x for x in range(60)]
    here = [r for r in results if r[0] == os.getpid()]
    there = [r for r in results if r[0] != os.getpid()]
    assert len(ended) == 1 and len({r[0] for r in there}) == 1
    assert len(there) >= 10  # the worker started while ``first`` ran
    assert all(r[1] >= ended[0] for r in here)  # this process took none before ``first`` was done
    assert here  # and then took its turn
    assert parallel.share_map(_pid_start_and_square, [], 2) == []


def _slow_then_fail_on_two(x: int) -> int:
    if x == 2:
        raise ValueError(f"bad item {x}")
    return x


def test_share_map_raises_a_workers_error_here_and_leaves_no_worker() -> None:
    def later() -> None:
        time.sleep(0.3)  # the worker meets item 2 first

    with pytest.raises(ValueError, match="bad item 2"):
        parallel.share_map(_slow_then_fail_on_two, [0, 1, 2, 3, 4], 2, later)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # every worker waited for


def test_share_map_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    with pytest.raises(WorkerDied, match="exit status"):
        parallel.share_map(_die, [1, 2], 2, lambda: time.sleep(0.3))


def _unpicklable(x: int) -> object:
    return threading.Lock() if x == 0 else x


def test_share_map_a_result_that_cannot_be_sent_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="pickle"):
        parallel.share_map(_unpicklable, [0, 1], 2, lambda: time.sleep(0.3))


def test_share_map_an_error_here_stops_the_workers() -> None:
    parent = os.getpid()

    def fail_here(x: int) -> int:
        if os.getpid() == parent:
            raise KeyError("here")
        time.sleep(10)  # a worker still busy is stopped, not waited for
        return x

    start = time.monotonic()
    with pytest.raises(KeyError, match="here"):
        parallel.share_map(fail_here, [1, 2, 3], 2)
    assert time.monotonic() - start < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_share_map_an_error_in_the_work_done_first_stops_the_workers() -> None:
    def first() -> None:
        raise KeyError("first")

    with pytest.raises(KeyError, match="first"):
        parallel.share_map(_pid_start_and_square, list(range(500)), 2, first)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_share_map_takes_at_most_a_pipe_page_of_items() -> None:
    with pytest.raises(ValueError, match="at most 1024 items"):
        parallel.share_map(_pid_start_and_square, list(range(1025)), 2)


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not parallel.can_fork()
        results = fork_map(_pid_and_square, [1, 2, 3])
        assert {r[0] for r in results} == {os.getpid()}
        ran: list[int] = []
        shared = parallel.share_map(_pid_and_square, [1, 2, 3], 2, lambda: ran.append(1))
        assert {r[0] for r in shared} == {os.getpid()} and ran == [1]
    finally:
        stop.set()
        thread.join()


def test_give_way_waits_only_on_the_thread_told_to_and_only_within_the_block() -> None:
    calls: list[str] = []
    parallel.give_way()  # told nothing: nothing happens
    with parallel.giving_way(lambda: calls.append("outer")):
        parallel.give_way()
        with parallel.giving_way(lambda: calls.append("inner")):
            parallel.give_way()
            other = threading.Thread(target=parallel.give_way)  # another thread was told nothing
            other.start()
            other.join()
        parallel.give_way()
    parallel.give_way()
    assert calls == ["outer", "inner", "outer"]


def test_workers_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTSHEET_WORKERS", "3")
    assert parallel.workers() == 3
    monkeypatch.setenv("FACTSHEET_WORKERS", "many")
    with pytest.raises(ValueError, match="FACTSHEET_WORKERS"):
        parallel.workers()
    monkeypatch.delenv("FACTSHEET_WORKERS")
    assert 1 <= parallel.workers() <= parallel.MAX_WORKERS


def _sample() -> Project:
    return Project(SAMPLE, templates=str(REPO / "templates"), pages="no-hand-written-pages")


def test_shared_out_generation_is_byte_identical(monkeypatch: pytest.MonkeyPatch) -> None:
    one = generate_files(_sample())
    monkeypatch.setattr(build_module, "PARALLEL_FROM", 1)  # the sample is small: force sharing
    monkeypatch.setattr(build_module, "READ_BATCH", 4)  # and read a few files at a time
    monkeypatch.setenv("FACTSHEET_WORKERS", "3")
    spawned = count_spawns(monkeypatch)
    shared = generate_files(_sample())
    # two workers for loading, one checking across files while this process models, two rendering
    assert len(spawned) == 5
    assert list(shared) == list(one)
    assert shared == one


def test_shared_out_checking_reports_the_same_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import copy_sample

    project = copy_sample(tmp_path / "p")
    meetings = sorted(project.path("content").glob("meetings/*.yaml"))
    for meeting in meetings:  # in every batch of files, those a worker checks and those left for later
        meeting.write_text(
            meeting.read_text(encoding="utf-8").replace("status:", "statsu:", 1), encoding="utf-8"
        )
    (project.path("content") / "actors" / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as serial:
        build_module.check(project)
    monkeypatch.setattr(build_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(build_module, "READ_BATCH", 4)
    monkeypatch.setenv("FACTSHEET_WORKERS", "2")
    with pytest.raises(ValidationFailed) as shared:
        build_module.check(project)
    texts = [p.text() for p in shared.value.problems]
    assert texts == [p.text() for p in serial.value.problems]
    assert all(any(m.name in t and "statsu" in t for t in texts) for m in meetings)
    assert any("broken.yaml:2:" in t for t in texts)


def test_checks_across_files_alongside_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks across files run in a worker while this process models: a problem they find is
    reported as when they run first, whatever modelling the broken content did or raised."""
    from generator.incremental import Regenerator

    from conftest import copy_sample

    project = copy_sample(tmp_path / "p")
    monkeypatch.setattr(build_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(build_module, "READ_BATCH", 4)
    monkeypatch.setenv("FACTSHEET_WORKERS", "2")
    spawned = count_spawns(monkeypatch)
    fine = build_module.check(project)
    assert len(spawned) == 2  # one loading, one checking across files
    monkeypatch.setenv("FACTSHEET_WORKERS", "1")
    assert build_module.check(project) == fine  # the same model made either way
    monkeypatch.setenv("FACTSHEET_WORKERS", "2")

    meeting = sorted(project.path("content").glob("meetings/*.yaml"))[0]
    text = meeting.read_text(encoding="utf-8")
    assert "  - actor: " in text
    meeting.write_text(text.replace("  - actor: ", "  - actor: nobody-we-know-", 1), encoding="utf-8")
    for check in (lambda: build_module.check(project), lambda: Regenerator(project).prepare()):
        with pytest.raises(ValidationFailed) as shared:
            check()
        assert any(meeting.name in p.text() and "nobody-we-know-" in p.text() for p in shared.value.problems)
    monkeypatch.setenv("FACTSHEET_WORKERS", "1")
    with pytest.raises(ValidationFailed) as serial:
        build_module.check(project)
    assert [p.text() for p in shared.value.problems] == [p.text() for p in serial.value.problems]


def test_a_first_start_has_a_worker_write_the_navigation_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While serve loads MkDocs, a worker writes the pages the navigation names, and this process
    joins in when MkDocs asks for them; none is made twice, and they are the pages the first run
    makes."""
    from generator import incremental
    from generator.engine import nav_paths
    from generator.history import plain_config

    from conftest import copy_sample

    project = copy_sample(tmp_path / "p")
    shutil.rmtree(project.path("docs"), ignore_errors=True)
    monkeypatch.setattr(incremental, "PARALLEL_FROM", 1)
    monkeypatch.setattr(build_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(build_module, "READ_BATCH", 4)
    monkeypatch.setenv("FACTSHEET_WORKERS", "2")
    spawned = count_spawns(monkeypatch)
    regen = incremental.Regenerator(project)
    regen.prepare()
    assert regen.writing is not None and len(spawned) == 3  # reading, checking across files, writing
    assert regen.across.context is None  # those checks ran in a worker
    assert regen.ahead is not None
    made = regen.ahead[1]
    nav = sorted(p for p in nav_paths(plain_config(project.path("config"))["nav"]) if p in made)
    assert "index.md" in nav and len(nav) > 3
    here: list[str] = []
    for path in nav:  # made here when this process takes it (the worker's copy does not see this)
        made[path] = lambda s, path=path, make=made[path]: here.append(path) or make(s)  # type: ignore[misc]
    time.sleep(0.5)  # MkDocs loading: the worker goes on meanwhile
    regen.make_now(nav)
    assert regen.written_ahead == set(nav) and len(here) == len(set(here))
    assert len(here) < len(nav)  # the worker wrote the others
    made_here = list(here)
    regen.make_now(nav)
    assert here == made_here  # not made again
    docs = project.path("docs")
    written = {p: (docs / p).read_bytes() for p in nav}
    files = {p.relative_to(project.root).as_posix() for p in project.path("content").rglob("*.yaml")}
    assert set(regen.checks) < files  # some files' own checks were left to the checks across files
    stats = regen.run()  # the first run: the same pages, so not written again
    assert not set(nav) & set(stats.written)
    assert regen.across.context is not None  # and, behind it, the checks the first edit reuses
    assert set(regen.checks) == files
    assert written == {p: (docs / p).read_bytes() for p in nav}


def test_runs_after_the_first_reuse_the_checks_across_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run whose checks across files ran in a worker fills their cache behind it: the next run
    checks one after the other, reusing it, rather than all again in a worker."""
    from generator.incremental import Regenerator

    from conftest import copy_sample

    project = copy_sample(tmp_path / "p")
    monkeypatch.setattr(build_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(build_module, "READ_BATCH", 4)
    monkeypatch.setenv("FACTSHEET_WORKERS", "2")
    spawned = count_spawns(monkeypatch)
    regen = Regenerator(project)
    regen.run()
    assert len(spawned) == 1  # checking across files beside the model
    assert regen.across.context is not None  # filled behind the run
    kept = dict(regen.across.results)
    meeting = sorted(project.path("content").glob("meetings/*.yaml"))[0]
    meeting.write_text(
        meeting.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8"
    )
    spawned.clear()
    stats = regen.run()
    assert spawned == []  # one file read; the checks here, from the cache
    assert any(p.startswith("meetings/") for p in stats.written)
    edited = meeting.relative_to(project.root).as_posix()
    assert all(regen.across.results[f][1] is kept[f][1] for f in kept if f != edited)  # reused
