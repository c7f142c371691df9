"""Dictionary and model arguments, the same for ``check`` and ``scan`` (moved here from ``cli``)."""

from __future__ import annotations

import argparse


def add_pipeline_arguments(parser: argparse.ArgumentParser) -> None:
    """Dictionary and model options, shared by ``check`` and ``scan``."""
    parser.add_argument(
        "--dict",
        dest="dicts",
        action="append",
        default=[],
        metavar="PATH",
        help="extra dictionary file (TSV; repeatable)",
    )
    parser.add_argument(
        "--model",
        default="default",
        metavar="default|none|DIR",
        help="statistical spelling model: the shipped one, none, or a folder built by "
        "`python -m proofread.model.build` (default: default)",
    )
    parser.add_argument(
        "--model-threshold",
        type=float,
        metavar="P",
        help="confidence a model correction needs (default: tuned into the model)",
    )
    parser.add_argument(
        "--model-follow-ratio",
        type=float,
        metavar="F",
        help="factor on that threshold for further corrections in a sentence that already has one "
        "(default: tuned into the model; 1: every correction needs the full threshold)",
    )
    parser.add_argument(
        "--hf-model", metavar="DIR", help="also use a local Hugging Face BertForMaskedLM CSC model (e.g. macbert4csc)"
    )
    parser.add_argument(
        "--hf-threshold",
        type=float,
        default=0.5,
        metavar="P",
        help="confidence an --hf-model correction needs (default: 0.5)",
    )
    parser.add_argument(
        "--hf-device", default="cpu", metavar="DEVICE", help="torch device for --hf-model (default: cpu)"
    )
    parser.add_argument(
        "--punctuation",
        action="store_true",
        help="also check punctuation: half-width marks between Chinese characters, marks typed twice",
    )


def pipeline_options(args: argparse.Namespace) -> dict:
    """``Proofreader(options=...)`` from the arguments of :func:`add_pipeline_arguments`."""
    options: dict = {"model": args.model}
    if args.model_threshold is not None:
        options["model_threshold"] = args.model_threshold
    if args.model_follow_ratio is not None:
        options["model_follow_ratio"] = args.model_follow_ratio
    if args.hf_model:
        options.update(hf_model=args.hf_model, hf_threshold=args.hf_threshold, hf_device=args.hf_device)
    if args.punctuation:
        options["punctuation"] = True
    return options
