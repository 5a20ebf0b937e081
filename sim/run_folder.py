"""Writing a run folder so that nothing is lost, mixed or deleted that the tool did not write.

A run folder holds the files a run writes (its tables, ``run.json``, optionally CSVs and
``summary.png``) and whatever its user adds (``figures/`` from ``cartel-sim plot``, notes),
which is never touched. ``run.json`` lists the files the run wrote with their sha256, so a
later run into the folder removes only those of them it does not write again, and only if
they are unchanged.

- One writer at a time: :func:`sim.folder_lock.folder_lock` (a second one is refused).
- The files are first written into a hidden staging folder beside it, ``.NAME.XXXXXXXX``.
  A new folder is that staging folder renamed into place: all at once, or nothing.
- An existing run folder (the same run again, or another with ``force``): its ``run.json``
  is moved aside to ``.run.json.replacing``, the staged files are moved in one by one, and
  the new ``run.json`` comes last, so no reader sees a ``run.json`` beside another run's
  tables; a save killed in between leaves the moved-aside one, which the next save reads.
- Staging folders left by a killed save are removed by the next save into the same folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from .folder_lock import folder_lock

RUN_JSON = "run.json"
REPLACING = ".run.json.replacing"
# tempfile.mkdtemp's names: the prefix ".NAME." and 8 characters of [a-z0-9_] (no dot, so
# the staging folders of "a" and of "a.b" cannot be taken for each other)
STAGING = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}$")


class RunExistsError(FileExistsError):
    """The output folder holds a different run; pass force=True (``--force``) to replace it."""


class TemporaryFolderError(ValueError):
    """A staging folder left by an interrupted save was given as a run folder."""


def refuse_temporary(folder: Path) -> None:
    """Raise TemporaryFolderError if ``folder`` is a staging folder."""
    match = STAGING.match(folder.name)
    if match and folder.is_dir():
        raise TemporaryFolderError(
            f"{folder} is a temporary folder left by an interrupted save, not a run; read "
            f"the run folder {folder.parent / match['name']} instead (the next run saved "
            "there removes this one)")


def check_overwrite(path: Path, meta: dict, force: bool) -> None:
    """Raise RunExistsError if writing ``meta``'s run to ``path`` would replace anything but
    the same run, an empty folder, or (with ``force``) another run."""
    path = Path(path)
    if not path.exists():
        return
    if not path.is_dir():
        raise RunExistsError(f"{path} is a file; choose a folder for --out")
    previous = _previous_meta(path)
    if previous is None:
        if any(path.iterdir()):
            raise RunExistsError(f"{path} exists and is not a run folder (no run.json); "
                                 "choose another --out (--force only replaces run folders)")
        return
    if not force and not _same_run(previous, meta):
        raise RunExistsError(
            f"{path} holds a different run (other scenario, seed or length); "
            "choose another --out, or pass --force to replace it"
        )


def write_run_folder(path: Path, meta: dict, force: bool,
                     write: Callable[[Path], object]) -> Path:
    """Write a run into ``path``: ``write(folder)`` writes its files (all but run.json) into
    the staging folder; run.json (``meta`` and the files' sha256) is added here. If ``write``
    raises, nothing changes. Raises RunExistsError (see :func:`check_overwrite`) and
    FolderBusyError."""
    with folder_lock(path):
        check_overwrite(path, meta, force)
        _remove_staging_leftovers(path)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
        try:
            umask = os.umask(0)
            os.umask(umask)
            tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; a run folder is not
            write(tmp)
            files = {p.name: _sha256(p) for p in sorted(tmp.iterdir())}
            (tmp / RUN_JSON).write_text(json.dumps({**meta, "files": files}, indent=2,
                                                   default=str))
            if path.exists():
                _replace_in_place(path, tmp, files)
            else:
                tmp.rename(path)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp)
    return path


def _replace_in_place(path: Path, tmp: Path, files: dict[str, str]) -> None:
    aside = path / REPLACING
    if (path / RUN_JSON).exists():
        os.replace(path / RUN_JSON, aside)
    previous = _read_json(aside) if aside.exists() else {}
    for name in files:
        os.replace(tmp / name, path / name)
    recorded = previous.get("files") if isinstance(previous, dict) else None
    for name, digest in (recorded if isinstance(recorded, dict) else {}).items():
        stale = path / str(name)
        if (name not in files and stale.parent == path and stale.is_file()
                and not stale.is_symlink() and _sha256(stale) == digest):
            stale.unlink()  # written by the previous run and unchanged since
    os.replace(tmp / RUN_JSON, path / RUN_JSON)
    aside.unlink(missing_ok=True)


def _remove_staging_leftovers(path: Path) -> None:
    """Remove the staging folders of ``path`` that killed saves left (the caller holds the
    folder's lock, so none of them is in use)."""
    if not path.parent.is_dir():
        return
    for entry in path.parent.iterdir():
        match = STAGING.match(entry.name)
        if match and match["name"] == path.name and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


def _previous_meta(path: Path) -> dict | None:
    """The run.json of the run in ``path`` (the moved-aside one if a replacement was
    interrupted); {} if unreadable; None if there is none."""
    for name in (RUN_JSON, REPLACING):
        if (path / name).is_file():
            previous = _read_json(path / name)
            return previous if isinstance(previous, dict) else {}
    return None


def _read_json(path: Path):
    with contextlib.suppress(OSError, ValueError):
        return json.loads(path.read_text())
    return {}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _same_run(a: dict, b: dict) -> bool:
    keys = ("resolved_scenario", "seed", "steps")
    return all(json.dumps(a.get(k), default=str) == json.dumps(b.get(k), default=str)
               for k in keys)
