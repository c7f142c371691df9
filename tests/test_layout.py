"""Package layout: what checking imports, and how checkers are found."""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import proofread.checkers as checkers_package
from proofread.checkers import REGISTRY, Priority, base

ROOT = Path(__file__).resolve().parents[1]

CHECK_AND_LIST_MODULES = """
import sys
import proofread
findings = proofread.Proofreader().check("今天我们在次相见，坚持和完善名族区域自治制度")
assert any(f.rule == "model.ngram" for f in findings), findings  # the spelling model loaded and ran
print("\\n".join(sorted(sys.modules)))
"""


def test_checking_a_text_imports_no_training_code():
    # A fresh interpreter: other tests' imports must not hide (or fake) an import.
    done = subprocess.run(
        [sys.executable, "-c", CHECK_AND_LIST_MODULES], cwd=ROOT, capture_output=True, text=True, check=True
    )
    modules = done.stdout.split()
    assert "proofread.spelling.model" in modules and "proofread.spelling.windows" in modules
    assert not [m for m in modules if m == "proofread.training" or m.startswith("proofread.training.")]


def _imports(path: Path, package: str) -> set[str]:
    """Absolute names of the modules ``path`` imports, lazily or not."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            names.add(".".join(parts + ([node.module] if node.module else [])))
    return names


def test_runtime_and_checker_modules_never_import_training():
    for folder in ("spelling", "checkers"):
        for path in (ROOT / "proofread" / folder).glob("*.py"):
            imported = _imports(path, f"proofread.{folder}")
            assert "proofread.spelling.model" in _imports(
                ROOT / "proofread/checkers/spelling_model.py", "proofread.checkers"
            )
            assert not [m for m in imported if m.startswith("proofread.training")], path


def test_every_module_of_the_checkers_package_is_imported():
    names = {m.name for m in pkgutil.iter_modules(checkers_package.__path__)}
    assert {"spelling_model", "hf_model", "punctuation", "dictionary_rules"} <= names
    assert all(f"proofread.checkers.{n}" in sys.modules for n in names)
    shipped = [c.__module__ for c in REGISTRY.values() if c.__module__.startswith("proofread.")]
    assert {m.removeprefix("proofread.checkers.") for m in shipped} <= names


def test_entry_points_of_other_packages_are_loaded(monkeypatch):
    loaded = []

    class FakeEntryPoint:
        def load(self):
            loaded.append(True)

    def fake_entry_points(group):
        assert group == "proofread.checkers"
        return [FakeEntryPoint()]

    monkeypatch.setattr(checkers_package, "entry_points", fake_entry_points)
    checkers_package._discover()
    assert loaded == [True]


def test_a_component_declares_frozen_settings():
    class Loose(base.Checker):
        name = "loose"

        class Config:  # not a dataclass
            threshold = 0.5

        @classmethod
        def from_resources(cls, resources, config):
            return cls()

    with pytest.raises(TypeError, match="loose: Config must be a frozen dataclass"):
        base.register(Loose)
    assert "loose" not in REGISTRY


def test_priorities_are_named():
    assert Priority.PROTECTED > Priority.CURATED > Priority.NEAR_MISS > Priority.LEARNED
    assert REGISTRY["protected_terms"].priority == Priority.PROTECTED
    assert REGISTRY["dictionary_rules"].priority == REGISTRY["punctuation"].priority == Priority.CURATED
    assert REGISTRY["idiom_near_miss"].priority == Priority.NEAR_MISS
    assert REGISTRY["spelling_model"].priority == REGISTRY["hf_model"].priority == Priority.LEARNED
    assert base.default_components()[0] == "protected_terms"


def test_only_the_spark_package_imports_pyspark():
    # `import proofread` and every command but `scan --engine spark` work without pyspark or Java.
    for path in (ROOT / "proofread").rglob("*.py"):
        if path.parent.name == "spark":
            continue
        package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
        imported = _imports(path, package)
        assert not [m for m in imported if m.split(".")[0] in ("pyspark", "py4j")], path
    done = subprocess.run(
        [sys.executable, "-c", "import sys, proofread, proofread.cli, proofread.scan; print(sorted(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "pyspark" not in done.stdout and "proofread.spark" not in done.stdout
