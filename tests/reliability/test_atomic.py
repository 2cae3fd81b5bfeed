"""Atomic writes: a directory is swapped with no moment where the path is missing; a full,
read-only or forbidden location is a sentence with the old file intact and no temporary
left; temporaries of killed writers are cleaned at the next start."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time

import pytest

from cases import PLACE_ERRORS
from workbench.errors import WorkbenchError
from workbench.runs import atomic
from workbench.runs.atomic import atomic_path, clean_stale_temporaries, write_json


def temporaries(folder) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.startswith(".tmp-"))


def write_version(path, version: int) -> None:
    with atomic_path(str(path)) as tmp:
        os.makedirs(tmp)
        with open(os.path.join(tmp, "marker"), "w") as handle:
            handle.write(str(version))
        os.makedirs(os.path.join(tmp, "variables"))


#: Another process (not a thread: the GIL would hide the gap between two renames) looks at
#: the path as fast as it can until told to stop, then prints how often it looked and how
#: often the directory or its marker file was missing.
POLLER = """
import os, sys
target, stop = sys.argv[1], sys.argv[2]
looks = missing = 0
print("ready", flush=True)
while not os.path.exists(stop):
    looks += 1
    if not os.path.isdir(target) or not os.path.isfile(os.path.join(target, "marker")):
        missing += 1
print(looks, missing, flush=True)
"""


def swap_50_times_while_watched(tmp_path) -> tuple[int, int]:
    target, stop = tmp_path / "saved", tmp_path / "stop"
    write_version(target, 0)
    watcher = subprocess.Popen([sys.executable, "-c", POLLER, str(target), str(stop)],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert watcher.stdout.readline().strip() == "ready"
        for version in range(1, 51):
            write_version(target, version)
    finally:
        stop.touch()
        looks, missing = map(int, watcher.stdout.readline().split())
        watcher.wait()
    assert (target / "marker").read_text() == "50"
    return looks, missing


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_a_directory_swap_is_never_seen_missing(tmp_path, monkeypatch):
    exchanged = []
    real_exchange = atomic.exchange
    monkeypatch.setattr(atomic, "exchange", lambda a, b: exchanged.append(real_exchange(a, b)) or exchanged[-1])
    looks, missing = swap_50_times_while_watched(tmp_path)
    assert missing == 0 and looks > 50
    assert exchanged == [True] * 50  # the kernel swapped every time: no two-rename fallback
    assert temporaries(tmp_path) == []  # each old directory was removed after its swap


def test_the_fallback_still_ends_with_the_new_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic, "exchange", lambda a, b: False)  # a file system without exchange
    target = tmp_path / "saved"
    write_version(target, 1)
    write_version(target, 2)
    assert (target / "marker").read_text() == "2" and temporaries(tmp_path) == []


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "data.json"
    write_json(str(target), {"v": 1})
    with pytest.raises(TypeError):
        write_json(str(target), {"v": object()})  # fails half way through json.dump
    assert target.read_text().replace(" ", "").replace("\n", "") == '{"v":1}'
    assert temporaries(tmp_path) == []


def test_a_file_never_replaces_a_folder_nor_a_folder_a_file(tmp_path):
    folder = tmp_path / "thing"
    folder.mkdir()
    (folder / "keep.txt").write_text("keep")
    with pytest.raises(WorkbenchError, match="is a folder"):
        with atomic_path(str(folder)) as tmp:
            open(tmp, "w").close()
    assert (folder / "keep.txt").read_text() == "keep"
    afile = tmp_path / "afile"
    afile.write_text("keep")
    with pytest.raises(WorkbenchError, match="is a file"):
        with atomic_path(str(afile)) as tmp:
            os.makedirs(tmp)
    assert afile.read_text() == "keep" and temporaries(tmp_path) == []


@pytest.mark.parametrize("code", PLACE_ERRORS)
@pytest.mark.parametrize("where", ["rename", "write"])
def test_a_refused_write_is_a_sentence_and_the_old_file_stays(code, where, tmp_path, monkeypatch):
    target = tmp_path / "config.json"
    write_json(str(target), {"old": True})
    before = target.read_bytes()
    number = getattr(errno, code)
    if where == "rename":
        def refuse(*args, **kwargs):
            raise OSError(number, os.strerror(number))
        monkeypatch.setattr(atomic.os, "replace", refuse)
    else:
        real_open = open

        def refuse_writes(file, mode="r", *args, **kwargs):
            if "w" in mode and os.path.basename(str(file)).startswith(".tmp-"):
                raise OSError(number, os.strerror(number), str(file))
            return real_open(file, mode, *args, **kwargs)
        monkeypatch.setattr("builtins.open", refuse_writes)
    with pytest.raises(WorkbenchError) as caught:
        write_json(str(target), {"new": True})
    message = str(caught.value)
    assert message.startswith(f"cannot write {target}: ")
    assert atomic._PLACE_ERRORS[number] in message and "the existing one is unchanged" in message
    monkeypatch.undo()
    assert target.read_bytes() == before and temporaries(tmp_path) == []


def test_a_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder / "a.json"
    write_json(str(target), [1])
    folder.chmod(0o555)
    try:
        if os.geteuid() == 0:
            pytest.skip("root writes through chmod 0555; the patched-writer test covers this case")
        with pytest.raises(WorkbenchError, match=f"cannot write {target}: permission denied"):
            write_json(str(target), [2])
        assert target.read_text().split() == ["[", "1", "]"] and temporaries(folder) == []
    finally:
        folder.chmod(0o755)


@pytest.fixture
def tiny_tmpfs(tmp_path):
    """A real 64 KiB file system that fills up (needs mount rights: root in a container)."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root)")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_keeps_the_old_file(tiny_tmpfs):
    target = tiny_tmpfs / "history.json"
    write_json(str(target), {"loss": [1.0, 0.5]})
    before = target.read_bytes()
    with pytest.raises(WorkbenchError, match=f"cannot write {target}: the disk is full"):
        write_json(str(target), {"loss": list(range(100000))})
    assert target.read_bytes() == before and temporaries(tiny_tmpfs) == []


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporaries_of_dead_writers_are_removed(tmp_path):
    old = time.time() - 3600
    dead = dead_pid()
    names = {
        f".tmp-{dead}-abc.json": "dead owner, old: removed",
        f".tmp-{dead}-dir": "dead owner, old folder: removed",
        f".tmp-{os.getpid()}-mine.png": "live owner: kept",
        f".tmp-{dead}-fresh.npy": "dead owner but just written (maybe another machine): kept",
        ".tmp-legacy.keras": "no owner recorded, old: removed",
        "model.keras": "not a temporary: kept",
    }
    for name in names:
        path = tmp_path / name
        if name.endswith("dir"):
            (path / "variables").mkdir(parents=True)
        else:
            path.write_text("x")
        if "fresh" not in name:
            os.utime(path, (old, old))
    removed = clean_stale_temporaries(str(tmp_path))
    assert sorted(removed) == sorted(n for n, why in names.items() if why.endswith("removed"))
    assert sorted(os.listdir(tmp_path)) == sorted(n for n, why in names.items() if why.endswith("kept"))


def test_commands_clean_the_folder_they_write_into(tmp_path):
    from workbench.runs.outputs import check_output_path

    stale = tmp_path / f".tmp-{dead_pid()}-x.png"
    stale.write_text("half an image")
    os.utime(stale, (time.time() - 3600,) * 2)
    check_output_path(str(tmp_path / "overlay.png"))
    assert not stale.exists()


def test_temporary_names_record_their_owner(tmp_path):
    with atomic_path(str(tmp_path / "a.png")) as tmp:
        name = os.path.basename(tmp)
        open(tmp, "wb").close()
    assert name.startswith(f".tmp-{os.getpid()}-") and name.endswith(".png")
