"""The independent typo generator and scoring of ``benchmarks/out_of_source.py``."""

import importlib.util
import sys
from pathlib import Path

import pytest

from proofread.finding import Finding, Severity
from proofread.text.chars import is_han
from proofread.training.corpus import default_data_dir

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "out_of_source.py"
CONFUSION = default_data_dir() / "confusion"
SENTENCES = [
    "国务院关于进一步优化营商环境的意见。",
    "全面建设社会主义现代化国家。",
    "请在 KiCad 中打开原理图编辑器。",
    "ABC 123",
]


@pytest.fixture(scope="module")
def oos():
    # Loaded by path: benchmarks/ is no package and is not on sys.path under pytest.
    spec = importlib.util.spec_from_file_location("out_of_source", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def confusables(oos):
    if not (CONFUSION / "sighan13_similar_shape.txt").exists():
        pytest.skip("shared/data/confusion not present")
    return oos.load_confusables(CONFUSION)


def test_sets_are_han_only_and_exclude_the_character(confusables):
    assert set(confusables) == {"sound", "shape"}
    assert "己" in confusables["shape"]["已"] and "意" in confusables["sound"]["一"]
    for table in confusables.values():
        for char, chars in table.items():
            assert is_han(char) and char not in chars and all(map(is_han, chars))


def test_generator_is_deterministic_and_plants_one_listed_confusable(oos, confusables):
    first = oos.plant_all(SENTENCES * 50, confusables, seed=3)
    assert first == oos.plant_all(SENTENCES * 50, confusables, seed=3)
    assert first != oos.plant_all(SENTENCES * 50, confusables, seed=4)
    assert all(p is None for p in first[3::4])  # no Han character
    kinds = set()
    for p in filter(None, first):
        diff = [i for i, (a, b) in enumerate(zip(p.clean, p.text)) if a != b]
        assert diff == [p.position] and len(p.text) == len(p.clean)
        assert p.original == p.clean[p.position] and p.typo == p.text[p.position]
        assert is_han(p.original) and p.typo in confusables[p.kind][p.original]
        kinds.add(p.kind)
    assert kinds == {"sound", "shape"}


def test_scoring_counts_detected_corrected_and_collateral(oos):
    clean = "全面建设社会主义现代化国家。"
    plants = [
        oos.Plant(clean, clean.replace("设", "没"), 3, "设", "没", "shape"),
        oos.Plant(clean, clean.replace("主", "住"), 6, "主", "住", "sound"),
        oos.Plant(clean, clean.replace("国", "图"), 11, "国", "图", "shape"),
    ]
    findings = [
        [Finding(2, 4, "建没", ("建设",))],  # word-level fix: detected and corrected
        [Finding(6, 7, "住", ("注",)), Finding(0, 2, "全面", ("全部",))],  # detected, wrong fix, collateral
        [Finding(10, 11, "家", ("加",))],  # next to the typo: collateral only
    ]
    assert oos.score_plants(plants, findings) == {"planted": 3, "detected": 2, "corrected": 1, "collateral": 2}
    assert oos.corrects(Finding(3, 4, "没", ("设",)), plants[0])
    assert not oos.corrects(Finding(3, 4, "没", ()), plants[0])  # no suggestion: detected only


def test_real_pair_matching_and_reliability_bins(oos):
    src, tgt = "他们在法院起述了。", "他们在法院起诉了。"
    assert oos.pair_correct(Finding(5, 7, "起述", ("起诉",)), src, tgt) == (True, True)
    assert oos.pair_correct(Finding(6, 7, "述", ("树",)), src, tgt) == (False, True)
    assert oos.pair_correct(Finding(0, 2, "他们", ("她们",)), src, tgt) == (False, False)
    table = oos.reliability([(0.99, "error", True, True), (1.0, "error", False, False), (0.6, "warning", False, True)])
    assert [(r["label"], r["findings"], r["precision"]) for r in table["bin"]] == [
        ("[0.50, 0.70)", 1, 0.0),
        ("[0.95, 1.00]", 2, 0.5),
    ]
    assert {r["label"]: r["detect_precision"] for r in table["severity"]} == {"error": 0.5, "warning": 1.0}
    assert str(Severity.ERROR) == "error"


def test_quotas_cap_a_big_source_and_fill_from_the_rest(oos):
    take = oos.quotas({"big": 10_000, "small": 100, "mid": 1_000}, 1_000, cap=0.5)
    assert sum(take.values()) == 1_000 and take["big"] == 500 and take["small"] <= 100
    assert oos.quotas({"only": 50}, 1_000, cap=0.5) == {"only": 50}
    pools = {"a": [(str(i), None) for i in range(30)], "b": [(str(i), None) for i in range(5)]}
    assert oos.sample(pools, 10, 0.5, 7) == oos.sample(pools, 10, 0.5, 7)
