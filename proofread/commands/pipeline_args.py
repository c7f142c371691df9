"""Dictionary and component arguments, the same for ``check`` and ``scan``.

The component flags (``--model``, ``--hf-model``, ``--punctuation``, ...) are made from the
components' declared settings (:mod:`proofread.config`), so each is documented once.
"""

from __future__ import annotations

import argparse
from typing import Any

from .. import config


def add_pipeline_arguments(parser: argparse.ArgumentParser) -> None:
    """``--dict`` and every component setting that declares a flag."""
    parser.add_argument(
        "--dict",
        dest="dicts",
        action="append",
        default=[],
        metavar="PATH",
        help="extra dictionary file (TSV; repeatable)",
    )
    config.add_arguments(parser, registered_components())


def pipeline_config(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """``Proofreader(config=...)`` from the arguments of :func:`add_pipeline_arguments`."""
    return config.from_arguments(args, registered_components())


def registered_components() -> list:
    """Every registered component, highest priority first."""
    from ..checkers import REGISTRY
    from ..checkers.base import by_priority

    return by_priority(REGISTRY.values())
