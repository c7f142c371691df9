"""Typed component settings: validation, the old flat options, CLI flags, ``proofread components``."""

import subprocess
import sys
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from proofread import Proofreader
from proofread.checkers import REGISTRY
from proofread.cli import build_parser, main
from proofread.commands.pipeline_args import pipeline_config
from proofread.config import ConfigError, make, translate_options

ROOT = Path(__file__).resolve().parents[1]


def test_config_sets_typed_settings_per_component():
    pr = Proofreader(config={"spelling_model": {"threshold": 0.7, "threads": 1}})
    settings = pr.config["spelling_model"]
    assert settings.threshold == 0.7 and settings.threads == 1 and settings.model == "default"
    checker = next(c for c in pr.checkers if c.name == "spelling_model")
    assert checker.threshold == 0.7 and checker.threads == 1
    with pytest.raises(FrozenInstanceError):
        settings.threshold = 0.5


def test_unknown_setting_names_it_and_the_valid_ones():
    with pytest.raises(
        ValueError, match=r"spelling_model: unknown setting 'treshold'; valid settings: model, threshold"
    ):
        Proofreader(config={"spelling_model": {"treshold": 0.7}})


def test_unknown_component_names_it_and_the_available_ones():
    with pytest.raises(ValueError, match=r"unknown component 'speling_model' in config; available: .*spelling_model"):
        Proofreader(config={"speling_model": {}})


@pytest.mark.parametrize(
    ("section", "values", "message"),
    [
        ("spelling_model", {"threshold": "high"}, r"spelling_model\.threshold: expected a number or None, got 'high'"),
        ("spelling_model", {"threads": 1.5}, r"spelling_model\.threads: expected a whole number, got 1\.5"),
        ("spelling_model", {"model": 3}, r"spelling_model\.model: expected a string, got 3"),
        ("spelling_model", {"threshold": True}, r"spelling_model\.threshold: expected a number or None, got True"),
        ("hf_model", {"path": "x", "scoring": "best"}, r"hf_model\.scoring: expected 'all' or 'similar', got 'best'"),
    ],
)
def test_bad_value_names_the_key_and_what_it_takes(section, values, message):
    with pytest.raises(ConfigError, match=message):
        make(REGISTRY[section].Config, values, section)
    with pytest.raises(ValueError, match=message):  # before any dictionary or model loads
        Proofreader(config={section: values})


def test_values_are_coerced_as_the_old_options_were():
    settings = make(REGISTRY["spelling_model"].Config, {"threshold": "0.75", "threads": "2", "model": Path("m")}, "s")
    assert (settings.threshold, settings.threads, settings.model) == (0.75, 2, "m")
    hf = make(REGISTRY["hf_model"].Config, {"path": "d", "verify": True, "threshold": 1}, "hf_model")
    assert hf.verify is True and hf.threshold == 1.0 and isinstance(hf.threshold, float)
    assert make(REGISTRY["hf_model"].Config, {"verify": "/lm"}, "hf_model").verify == "/lm"


def test_old_flat_options_translate_onto_the_declarations():
    sections = translate_options(
        {"model": "none", "model_threshold": 0.6, "model_threads": 1, "punctuation": True}, REGISTRY
    )
    assert sections == {"spelling_model": {"model": "none", "threshold": 0.6, "threads": 1}, "punctuation": {}}
    assert translate_options({"hf_model": "DIR", "hf_batch_size": 3}, REGISTRY) == {
        "hf_model": {"path": "DIR", "batch_size": 3}
    }
    # A component that is not default comes in only with its own key, as before.
    assert translate_options({"punctuation": False, "hf_threshold": 0.7}, REGISTRY) == {}
    with pytest.raises(ValueError, match=r"unknown option 'model_treshold'; valid options: .*model_threshold"):
        translate_options({"model_treshold": 0.6}, REGISTRY)
    with pytest.raises(ValueError, match=r"hf_model\.threshold: expected a number, got 'x'"):
        Proofreader(options={"hf_threshold": "x"})  # checked even where it would not apply


def test_options_and_config_give_the_same_pipeline():
    old = Proofreader(options={"model_threshold": 0.6, "punctuation": True})
    new = Proofreader(config={"spelling_model": {"threshold": 0.6}, "punctuation": {}})
    assert [c.name for c in old.checkers] == [c.name for c in new.checkers]
    assert "punctuation" in [c.name for c in new.checkers]
    assert old.config == new.config
    text = "坚持和完善名族区域自治制度,今天我们在次相见"
    assert old.check(text) == new.check(text)
    with pytest.raises(ValueError, match="config or options, not both"):
        Proofreader(config={}, options={})


def test_a_section_adds_a_component_that_is_not_default():
    assert "punctuation" not in [c.name for c in Proofreader().checkers]
    assert "punctuation" in [c.name for c in Proofreader(config={"punctuation": {}}).checkers]
    with pytest.raises(ValueError, match="punctuation: unknown setting 'strict'; valid settings: none"):
        Proofreader(config={"punctuation": {"strict": True}})


def _config_of(*argv):
    args = build_parser().parse_args(["check", *argv, "-"])
    return pipeline_config(args)


def test_cli_flags_map_to_the_declarations():
    assert _config_of() == {}
    assert _config_of("--model", "none", "--model-threshold", "0.7", "--model-follow-ratio", "1") == {
        "spelling_model": {"model": "none", "threshold": 0.7, "follow_ratio": 1.0}
    }
    assert _config_of("--punctuation") == {"punctuation": {}}
    assert _config_of("--hf-model", "DIR", "--hf-threshold", "0.6", "--hf-device", "cuda") == {
        "hf_model": {"path": "DIR", "threshold": 0.6, "device": "cuda"}
    }
    # As before, the model's other flags alone do not add it.
    assert _config_of("--hf-threshold", "0.6") == {}
    scan = build_parser().parse_args(["scan", "SRC", "--out", "OUT", "--model-threshold", "0.8", "--punctuation"])
    assert pipeline_config(scan) == {"spelling_model": {"threshold": 0.8}, "punctuation": {}}


def test_cli_flag_help_comes_from_the_declaration(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["check", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--model-threshold P confidence a model correction needs" in out
    assert "--hf-threshold P confidence an hf_model correction needs (default: 0.5)" in out
    assert "--punctuation add the punctuation checker: Half-width marks" in out


def test_cli_rejects_a_bad_flag_value(capsys):
    with pytest.raises(SystemExit) as e:
        build_parser().parse_args(["check", "--model-threshold", "high", "-"])
    assert e.value.code == 2 and "--model-threshold" in capsys.readouterr().err


def test_components_command_lists_components_settings_and_defaults(capsys):
    assert main(["components"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    heads = [line.split(" ")[0] for line in lines if not line.startswith(" ")]
    assert set(heads) == set(REGISTRY)
    assert heads[0] == "protected_terms"  # highest priority first
    assert "spelling_model (default): " in out and "punctuation (optional, --punctuation): " in out
    assert "hf_model (optional): " in out
    assert "    threshold = None  (number | None; --model-threshold; options key model_threshold)" in lines
    assert "    threshold = 0.5  (number; --hf-threshold; options key hf_threshold)" in lines
    assert "        confidence a model correction needs (default: the one tuned into the model)" in lines


def test_components_command_runs_as_a_program():
    done = subprocess.run(
        [sys.executable, "-m", "proofread.cli", "components"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("protected_terms (default): ")


def test_processes_that_share_the_cores_give_every_learned_model_one_thread():
    from proofread.checkers import with_threads

    config = with_threads({"spelling_model": {"threads": 3}}, 1)
    assert config["spelling_model"]["threads"] == 3  # the user's own setting stays
    assert config["suspect_chars"]["threads"] == 1
    pr = Proofreader(config=with_threads({}, 1))
    threads = {c.name: c.threads for c in pr.checkers if c.name in ("spelling_model", "suspect_chars")}
    assert threads == {"spelling_model": 1, "suspect_chars": 1}
