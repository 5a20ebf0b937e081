"""One writer at a time for an output folder (a run folder, a sweep folder).

The lock is a hidden file beside the folder, ``.NAME.lock``, so it can be taken before the
folder exists. It is held with ``flock`` (``msvcrt.locking`` on Windows): the operating
system releases it when its holder exits, even by ``kill -9``, so it is never stale. A
second writer does not wait: it gets :class:`FolderBusyError` at once. The holder removes
the file when it is done (a killed holder leaves it, unlocked, for the next one to reuse).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

_held: set[tuple[Path, int]] = set()  # (lock file, thread) held by this process


class FolderBusyError(RuntimeError):
    """Another process (or thread) is writing to the folder."""


def lock_path(folder: Path) -> Path:
    """The lock file of ``folder``: ``.NAME.lock`` in its parent."""
    return folder.parent / f".{folder.name}.lock"


@contextlib.contextmanager
def folder_lock(folder: str | os.PathLike) -> Iterator[None]:
    """Hold the exclusive lock of ``folder`` (created with its parents if needed).

    Re-entrant within one thread (``cartel-sim run`` holds it from its overwrite check to the
    end of :meth:`Results.save`, which takes it too). Raises FolderBusyError if another
    process or thread holds it.
    """
    path = lock_path(Path(folder).absolute())
    key = (path, threading.get_ident())
    if key in _held:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _acquire(path, folder)
    _held.add(key)
    try:
        yield
    finally:
        _held.discard(key)
        with contextlib.suppress(OSError):  # unlinked while held: the next holder makes a new one
            path.unlink()
        os.close(fd)


def _acquire(path: Path, folder) -> int:
    """Open and lock ``path``; retried when a finishing holder unlinked the file between our
    open and our lock (we would hold a lock on a file nobody else can see)."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            os.close(fd)
            raise FolderBusyError(
                f"{folder} is being written by another process (the lock {path} is held); "
                "wait for it to finish, or choose another output folder")
        try:
            if os.path.samestat(os.fstat(fd), os.stat(path)):
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


def _try_lock(fd: int) -> bool:
    if os.name == "nt":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
