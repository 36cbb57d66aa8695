"""Work shared out over the machine's cores: forked workers for a full build.

A full build renders thousands of independent pages from one read-only model.
:func:`fork_map` runs one share of the work in this process and the others in
forked copies of it (which see the model without it being copied or sent),
and gathers their results in order. Where forking is not safe or not possible
(another thread is running, as in ``serve``; a platform without ``fork``), or
when there is only one share, everything runs here, one after another: the
result is the same either way.

``FACTSHEET_WORKERS`` sets how many processes to use (default: the cores this
process may run on, at most 8; ``1`` turns forking off).

:func:`give_way` is the other side of sharing the machine: long work on a
background thread (``serve``'s regeneration) calls it between items, and within
:func:`giving_way` on that thread it waits while something more urgent runs
(a page a browser is waiting for), which would otherwise get every other
time slice of the interpreter.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

_T = TypeVar("_T")
_R = TypeVar("_R")
MAX_WORKERS = 8


class WorkerDied(Exception):
    """A worker process ended without sending its result."""


def workers() -> int:
    """How many processes a build may use."""
    setting = os.environ.get("FACTSHEET_WORKERS", "").strip()
    if setting:
        try:
            return max(1, int(setting))
        except ValueError:
            raise ValueError(f"FACTSHEET_WORKERS must be a whole number, not {setting!r}") from None
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def can_fork() -> bool:
    """Forking copies only the calling thread: safe only while it is the only one."""
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1


def fork_map(func: Callable[[_T], _R], items: Sequence[_T]) -> list[_R]:
    """``[func(item) for item in items]``, the items but the last each in a forked worker.

    Results come back pickled through a pipe. An exception in a worker is raised
    here (the first one, in item order) once every worker has finished.
    """
    if len(items) <= 1 or not can_fork():
        return [func(item) for item in items]
    children: list[tuple[int, int]] = []
    try:
        for item in items[:-1]:
            children.append(_spawn(func, item))
        mine: list[tuple[str, Any]] = [("ok", func(items[-1]))]
    except BaseException:
        for pid, fd in children:
            os.kill(pid, signal.SIGKILL)
            os.close(fd)
            os.waitpid(pid, 0)
        raise
    outcomes = [_collect(pid, fd) for pid, fd in children] + mine
    for status, value in outcomes:
        if status != "ok":
            raise value
    return [value for _, value in outcomes]


def _spawn(func: Callable[[_T], Any], item: _T) -> tuple[int, int]:
    read, write = os.pipe()
    pid = os.fork()
    if pid:  # parent
        os.close(write)
        return pid, read
    os.close(read)  # pragma: no cover - runs in the child, whose coverage is not collected
    status = 1
    try:
        try:
            outcome: tuple[str, Any] = ("ok", func(item))
        except BaseException as exc:  # sent to the parent, which raises it
            outcome = ("error", exc)
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an exception that cannot be pickled: send its text
            data = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
        status = 0
    finally:
        os._exit(status)  # never return into the parent's code (its atexit, its tests...)


def _collect(pid: int, fd: int) -> tuple[str, Any]:
    with os.fdopen(fd, "rb") as pipe:
        data = pipe.read()  # read to the end first: a full pipe would block the child
    _, status = os.waitpid(pid, 0)
    if not data:
        return ("error", WorkerDied(f"a worker process failed (exit status {status})"))
    outcome: tuple[str, Any] = pickle.loads(data)
    return outcome


class Started:
    """A call running in a forked worker (see :func:`start_forked`)."""

    def __init__(self, pid: int, fd: int) -> None:
        self._pid, self._fd = pid, fd

    def result(self) -> Any:
        """Wait for the call to end; its result, or the exception it raised (or WorkerDied)."""
        status, value = _collect(self._pid, self._fd)
        if status != "ok":
            raise value
        return value


def start_forked(func: Callable[[_T], Any], item: _T) -> Started | None:
    """``func(item)`` started in a forked worker, to be waited for later; None where forking is not
    safe or possible (the caller then does the work itself, when it needs it)."""
    if not can_fork():
        return None
    return Started(*_spawn(func, item))


_giving_way = threading.local()


@contextlib.contextmanager
def giving_way(wait: Callable[[], None]) -> Iterator[None]:
    """Within this block, :func:`give_way` calls ``wait`` on this thread (and on no other)."""
    before = getattr(_giving_way, "wait", None)
    _giving_way.wait = wait
    try:
        yield
    finally:
        _giving_way.wait = before


def give_way() -> None:
    """Let more urgent work go first, if this thread was told how (see :func:`giving_way`)."""
    wait = getattr(_giving_way, "wait", None)
    if wait is not None:
        wait()
