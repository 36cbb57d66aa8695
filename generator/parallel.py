"""Work shared out over the machine's cores: forked workers for a full build.

A full build renders thousands of independent pages from one read-only model.
:func:`fork_map` runs one share of the work in this process and the others in
forked copies of it (which see the model without it being copied or sent),
and gathers their results in order. :func:`share_map` and :func:`start_sharing` deal
the items out as each process becomes free instead (for items of unequal cost, or
while this process has other work first). Where forking is not safe or not possible
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
import select
import signal
import struct
import sys
import tempfile
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


# A worker's notice that an item is done: its index, and where its pickled outcome lies in the
# worker's scratch file. A notice is far below PIPE_BUF, so written whole.
_NOTICE = struct.Struct("<qqq")
_DONE = -1  # the worker takes no more items
_FAILED = -2  # an item raised: the outcome is ``(index, exception)``
# Item numbers are dealt through a pipe, which holds a page (4 KB) at least (Linux gives a user
# over its pipe allowance pipes of one page).
_MAX_ITEMS = 1024


class _NoRoom(Exception):
    """The item numbers did not fit in the pipe: the items are done without sharing them out."""


class Sharing:
    """Items being done by forked workers and, once it calls :meth:`finish`, this process.

    Every process takes the next item not yet taken, so the work evens out
    whatever each item costs and whenever this process joins in. The item
    numbers are put in a pipe before forking, where every process reads them
    four bytes at a time (a pipe's reads do not interleave); each worker
    pickles each outcome into a scratch file of its own and says so through a
    pipe of its own, so it never waits for this process to read it.
    """

    def __init__(self, func: Callable[[_T], Any], items: Sequence[_T], processes: int) -> None:
        if len(items) > _MAX_ITEMS:
            raise ValueError(f"at most {_MAX_ITEMS} items can be shared out, not {len(items)}")
        self.func, self.items = func, items
        self.results: dict[int, Any] = {}
        self.errors: dict[int, BaseException] = {}
        self.children: list[tuple[int, int, Any]] = []  # pid, notice pipe, scratch file
        self.open: set[int] = set()  # notice pipes of workers still working
        self._queue, write = os.pipe()
        numbers = b"".join(struct.pack("<i", k) for k in range(len(items)))
        try:
            os.set_blocking(write, False)  # a pipe too small for them (see _MAX_ITEMS) must not hang
            written = os.write(write, numbers)
        except BlockingIOError:
            written = 0
        finally:
            os.close(write)  # read to its end, the pipe says the items are all taken
        if written < len(numbers):
            os.close(self._queue)
            raise _NoRoom
        try:
            for _ in range(processes - 1):
                self._spawn()
        except BaseException:
            self._stop()
            raise

    def _take(self) -> int | None:
        data = os.read(self._queue, 4)
        return struct.unpack("<i", data)[0] if data else None

    def _spawn(self) -> None:
        scratch = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _stop, after the worker ends
        read, write = os.pipe()
        pid = os.fork()
        if pid:  # parent
            os.close(write)
            self.children.append((pid, read, scratch))
            self.open.add(read)
            return
        os.close(read)  # pragma: no cover - runs in the child, whose coverage is not collected
        status = 1
        try:
            fd, offset = scratch.fileno(), 0
            while (k := self._take()) is not None:
                try:
                    kind, outcome = k, self.func(self.items[k])
                except BaseException as exc:  # sent to the parent, which raises it
                    kind, outcome = _FAILED, (k, exc)
                try:
                    data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
                except Exception as exc:  # an outcome that cannot be pickled: its text instead
                    error = RuntimeError(f"{type(exc).__name__}: {exc}")
                    kind, data = _FAILED, pickle.dumps((k, error), protocol=pickle.HIGHEST_PROTOCOL)
                os.pwrite(fd, data, offset)
                os.write(write, _NOTICE.pack(kind, offset, len(data)))
                offset += len(data)
                if kind == _FAILED:
                    break
            os.write(write, _NOTICE.pack(_DONE, 0, 0))
            status = 0
        finally:
            os._exit(status)  # never return into the parent's code (its atexit, its tests...)

    def _gather(self, block: bool) -> None:
        """Unpickle what the workers have done (waiting for them all to stop, if ``block``)."""
        while self.open:
            ready, _, _ = select.select(list(self.open), [], [], None if block else 0)
            if not ready:
                return
            for fd in ready:
                data = os.read(fd, _NOTICE.size * 256)
                if not data:  # the worker ended: its notices are all read
                    self.open.discard(fd)
                    continue
                # A notice is written whole, but several may come in one read (and the last in part).
                while len(data) % _NOTICE.size:
                    data += os.read(fd, _NOTICE.size - len(data) % _NOTICE.size)
                scratch = next(s for _, r, s in self.children if r == fd)
                for kind, offset, length in _NOTICE.iter_unpack(data):
                    if kind == _DONE:
                        continue
                    outcome = pickle.loads(os.pread(scratch.fileno(), length, offset))
                    if kind == _FAILED:
                        self.errors[outcome[0]] = outcome[1]
                    else:
                        self.results[kind] = outcome

    def finish(self) -> list[Any]:
        """Do the items left here, then wait for the workers; every result, in item order.

        An exception raised by an item is raised here (the first in item order
        among those that raised) once every worker has stopped; one raised in
        this process, at once.
        """
        try:
            while (k := self._take()) is not None:
                self._gather(block=False)  # what came meanwhile, so that little is left at the end
                self.results[k] = self.func(self.items[k])
            self._gather(block=True)
        except BaseException:
            self._stop()
            raise
        failures = self._stop()
        if self.errors:
            raise self.errors[min(self.errors)]
        if len(self.results) < len(self.items):
            raise WorkerDied(f"a worker process failed (exit status {failures[0] if failures else 0})")
        return [self.results[k] for k in range(len(self.items))]

    def _stop(self) -> list[int]:
        """End the workers (at once, if they are still working) and tidy up; their failed statuses."""
        failed = []
        for pid, fd, scratch in self.children:
            if fd in self.open:
                os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            if status:
                failed.append(status)
            os.close(fd)
            scratch.close()
        self.children, self.open = [], set()
        if self._queue >= 0:
            os.close(self._queue)
            self._queue = -1
        return failed


def start_sharing(func: Callable[[_T], Any], items: Sequence[_T], processes: int) -> Sharing | None:
    """Forked workers (``processes - 1`` of them) starting on ``[func(item) for item in items]``,
    which :meth:`Sharing.finish` completes here; None where forking is not safe or possible, or
    one process is all there is to use (the caller then does the work itself)."""
    if processes < 2 or len(items) < 2 or not can_fork():
        return None
    try:
        return Sharing(func, items, processes)
    except _NoRoom:
        return None


def share_map(
    func: Callable[[_T], _R], items: Sequence[_T], processes: int, first: Callable[[], None] | None = None
) -> list[_R]:
    """``[func(item) for item in items]`` done by ``processes`` processes (forked workers and
    this one), each taking the next item as it becomes free; ``first`` runs here before this
    process takes any, while the workers start on them."""
    sharing = start_sharing(func, items, processes)
    if first is not None:
        try:
            first()
        except BaseException:
            if sharing is not None:
                sharing._stop()  # no worker left behind
            raise
    if sharing is None:
        return [func(item) for item in items]
    return sharing.finish()


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
