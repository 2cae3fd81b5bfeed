"""Atomic writes: a file is either its old self or its new self, never half written.

The new content is written under a temporary name beside the target
(``.tmp-PID-XXXXXXXX``: hidden, and naming the process that owns it) and then renamed
over the target. A file is replaced with ``os.replace``; a directory (a SavedModel) is
swapped into place with ``renameat2(RENAME_EXCHANGE)`` on Linux, so there is no moment
where neither the old nor the new directory is at the path. Temporaries left behind by a
killed process are removed by ``clean_stale_temporaries`` at the next start.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import shutil
import sys
import tempfile
import time

from workbench.errors import WorkbenchError

#: Temporary names are ``.tmp-PID-RANDOM[suffix]``; older versions wrote ``.tmp-RANDOM``.
TEMP_PREFIX = ".tmp-"
_OWNER = re.compile(r"^\.tmp-(\d+)-")
#: A temporary younger than this is left alone even when its owner looks gone (another
#: machine writing to a shared folder has process ids this one cannot see).
STALE_AFTER_S = 300.0

#: Errors of the place written to, not of the program: each becomes one sentence.
_PLACE_ERRORS = {
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


@contextlib.contextmanager
def atomic_path(path: str):
    """Yield a temporary path beside ``path``; on success move it into place at ``path``.

    Works for files and for directories (a SavedModel is a directory). A file never
    replaces a directory, nor a directory a file: that would lose what is there (the
    output policy in ``workbench.runs.outputs`` explains it to the user first). A
    read-only, full or forbidden location raises ``WorkbenchError`` naming ``path``;
    the old content is intact and no temporary is left.
    """
    path = os.path.abspath(path)
    parent = os.path.dirname(path)
    tmp = ""
    try:
        os.makedirs(parent, exist_ok=True)
        suffix = os.path.splitext(path)[1]  # keep it: Keras and cv2 choose formats by suffix
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=suffix, dir=parent)
        os.close(fd)
        os.unlink(tmp)
        yield tmp
        _move_into_place(tmp, path)
    except OSError as error:
        if error.errno not in _PLACE_ERRORS:
            raise
        raise place_error(path, error) from None
    finally:
        if tmp:
            _remove(tmp)
            _remove(tmp + ".npy")  # np.save appends .npy to names without it


def place_error(path: str, error: OSError) -> WorkbenchError:
    """The sentence for a write refused by the location itself."""
    kept = "the existing one is unchanged" if os.path.lexists(path) else "nothing was written"
    return WorkbenchError(f"cannot write {path}: {_PLACE_ERRORS.get(error.errno, error.strerror)}; "
                          f"{kept} - free some space or choose another location")


def _move_into_place(tmp: str, path: str) -> None:
    new_is_dir, old_is_dir = os.path.isdir(tmp), os.path.isdir(path)
    if os.path.lexists(path) and new_is_dir != old_is_dir:
        what = "a folder" if old_is_dir else "a file"
        raise WorkbenchError(f"{path} is {what}; it is left as it is - choose another name")
    if new_is_dir and old_is_dir:
        _swap_directories(tmp, path)
        shutil.rmtree(tmp, ignore_errors=True)  # the old directory, now at the temporary name
    else:
        os.replace(tmp, path)
    _sync_folder(os.path.dirname(path))


def _swap_directories(new: str, old: str) -> None:
    """Exchange the two names in one step where the kernel can; else two renames."""
    if exchange(new, old):
        return
    aside = new + ".old"  # still ``.tmp-PID-...``: cleaned if a kill lands between the renames
    os.replace(old, aside)
    os.replace(new, old)
    os.replace(aside, new)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: str, b: str) -> bool:
    """Atomically swap the paths ``a`` and ``b`` (Linux ``renameat2``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # a C library before glibc 2.28
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):  # a file system without exchange
        return False
    raise OSError(code, os.strerror(code), b)


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable (POSIX); harmless to skip where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        with contextlib.suppress(OSError):
            os.unlink(path)


def clean_stale_temporaries(folder: str, older_than_s: float = STALE_AFTER_S) -> list[str]:
    """Remove the ``.tmp-*`` files and folders in ``folder`` left by processes that were
    killed mid-write: those older than ``older_than_s`` whose owner process is gone.
    Returns the names removed."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    removed = []
    now = time.time()
    for name in names:
        if not name.startswith(TEMP_PREFIX):
            continue
        path = os.path.join(folder, name)
        try:
            age = now - os.lstat(path).st_mtime
        except OSError:
            continue
        owner = _OWNER.match(name)
        if age < older_than_s or (owner and process_alive(int(owner.group(1)))):
            continue
        _remove(path)
        if not os.path.lexists(path):
            removed.append(name)
    return removed


def process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    except OSError:
        return False
    return True


def _windows_process_alive(pid: int) -> bool:
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    kernel32.CloseHandle(handle)
    return True


def write_json(path: str, data) -> None:
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=False, default=_plain)
            handle.flush()
            os.fsync(handle.fileno())


def read_json(path: str):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _plain(value):
    """numpy scalars and arrays -> JSON values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
