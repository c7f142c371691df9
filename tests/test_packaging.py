"""The wheel carries the dictionaries and model files and works outside the repository."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # builds and installs a wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (path,) = out.glob("proofread-*.whl")
    return path


def test_wheel_contains_dictionaries_and_models(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for data_dir in ("dictionaries", "models"):
        shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / data_dir).rglob("*") if p.is_file()}
        assert shipped, data_dir
        assert {f"proofread/_data/{p}" for p in shipped} <= names
    assert "proofread/cli.py" in names and "proofread/py.typed" in names  # PEP 561
    static = {f"proofread/serve/static/{p.name}" for p in (ROOT / "proofread/serve/static").iterdir()}
    assert "proofread/serve/static/editor.js" in static and static <= names  # the editor page, served locally
    assert any(n.endswith("entry_points.txt") for n in names)


def test_installed_wheel_works_outside_the_repository(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    sample = tmp_path / "draft.txt"
    sample.write_text("坚持和完善名族区域自治制度。", encoding="utf-8")
    code = (
        "import proofread, sys; from proofread.cli import main; "
        "assert 'site' in proofread.__file__, proofread.__file__; sys.exit(main(['check', 'draft.txt']))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    assert "坚持和完善【名族】区域自治制度。 → 民族" in proc.stdout
