import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    return Path(os.environ.get("MARSAD_SHARED", REPO.parent / "shared"))


def marsad_bin() -> str:
    """The CLI the package is checked against: $MARSAD_BIN, else the release build."""
    if os.environ.get("MARSAD_BIN"):
        return os.environ["MARSAD_BIN"]
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    exe = target / "release" / "marsad"
    if not exe.exists():
        pytest.fail(f"no marsad binary at {exe}: cargo build --release -p marsad, or set MARSAD_BIN")
    return str(exe)


def cli_jsonl(*paths) -> tuple:
    """`marsad extract --format jsonl PATHS`: (event lines, stderr, exit code)."""
    p = subprocess.run([marsad_bin(), "extract", "--format", "jsonl", *map(str, paths)],
                       capture_output=True, text=True)
    return [l for l in p.stdout.split("\n") if l], p.stderr, p.returncode


@pytest.fixture(scope="session")
def spark():
    from marsad.spark import session

    s = session("local[2]", app="marsad-tests")
    s.sparkContext.setLogLevel("WARN")
    yield s
    s.stop()


@pytest.fixture(scope="session")
def shared() -> Path:
    d = shared_dir()
    if not (d / "seeds").is_dir():
        pytest.fail(f"shared data not found at {d} (set MARSAD_SHARED)")
    return d
