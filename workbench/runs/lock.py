"""One process trains into a run directory at a time.

``RunLock`` takes an exclusive ``flock`` on ``RUN/.lock`` and writes its holder (process
id, host, start time) into the file, so a second process -- or a second lock in the same
process -- is refused with a sentence naming the first. The kernel drops the lock when
the holder exits, however it exits (``kill -9`` included), so a killed run can be resumed
at once; the file itself stays, holding nothing.

On Windows ``msvcrt.locking`` locks the first byte of the file instead (the holder is
written after it, where a reader may look). Where neither exists the lock is a no-op.
"""

from __future__ import annotations

import json
import os
import socket
import time

from workbench.errors import WorkbenchError
from workbench.runs.atomic import clean_stale_temporaries

LOCK_NAME = ".lock"
_INFO_OFFSET = 1  # byte 0 is what msvcrt locks; the holder's details follow it

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
try:
    import msvcrt
except ImportError:  # POSIX
    msvcrt = None


class RunLock:
    """``with RunLock(run_dir): ...`` -- hold ``run_dir`` for the duration of a training run."""

    def __init__(self, run_dir: str):
        self.run_dir = os.path.abspath(run_dir)
        self.path = os.path.join(self.run_dir, LOCK_NAME)
        self._fd: int | None = None

    def acquire(self) -> "RunLock":
        if self._fd is not None:
            raise WorkbenchError(f"{self.run_dir} is already locked by this RunLock")
        try:
            os.makedirs(self.run_dir, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise WorkbenchError(f"cannot lock run directory {self.run_dir}: {error.strerror}") from None
        if not _try_lock(fd):
            holder = _describe(_read_holder(fd))
            os.close(fd)
            raise WorkbenchError(f"{self.run_dir} is being trained by {holder}; "
                                 "wait for it or stop it first")
        self._fd = fd
        _write_holder(fd)
        # what a killed writer left behind is now safe to remove: no one else writes here
        for folder in (self.run_dir, os.path.join(self.run_dir, "checkpoint")):
            clean_stale_temporaries(folder, older_than_s=0.0)
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, _INFO_OFFSET)  # no holder named once it is free
        except OSError:
            pass
        _unlock(fd)
        os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> "RunLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def holder(run_dir: str) -> dict | None:
    """Who holds ``run_dir`` now (pid, host, started), or None when it is free."""
    probe = RunLock(run_dir)
    if not os.path.exists(probe.path):
        return None
    try:
        fd = os.open(probe.path, os.O_RDWR)
    except OSError:
        return None
    try:
        if _try_lock(fd):
            _unlock(fd)
            return None
        return _read_holder(fd) or {}
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool:
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    if msvcrt is not None:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    return True  # no locking primitive on this platform: documented no-op


def _unlock(fd: int) -> None:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
        elif msvcrt is not None:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    except OSError:
        pass


def _write_holder(fd: int) -> None:
    info = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, b"\n" + json.dumps(info).encode("utf-8") + b"\n")
        os.fsync(fd)
    except OSError:
        pass  # the lock holds without the details; the refusal then names no process


def _read_holder(fd: int) -> dict | None:
    try:
        os.lseek(fd, _INFO_OFFSET, os.SEEK_SET)
        data = json.loads(os.read(fd, 4096).decode("utf-8") or "null")
    except (OSError, ValueError):  # being written at this instant, or from another program
        return None
    return data if isinstance(data, dict) else None


def _describe(info: dict | None) -> str:
    if not info or not isinstance(info.get("pid"), int):
        return "another process"
    text = f"process {info['pid']}"
    if info.get("host") and info["host"] != socket.gethostname():
        text += f" on {info['host']}"
    started = info.get("started")
    if isinstance(started, (int, float)):
        text += f" (started {time.strftime('%H:%M', time.localtime(started))})"
    return text
