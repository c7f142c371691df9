"""Dictionary and component arguments, the same for ``check`` and ``scan``.

The component flags (``--model``, ``--hf-model``, ``--punctuation``, ...) are made from the
components' declared settings (:mod:`proofread.config`), so each is documented once.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .. import config
from ..project import FILE_NAME, Project, ProjectError, find
from .common import UsageError


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


def add_project_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project",
        metavar="FILE",
        help=f"project settings (dictionaries, units, severities, disabled rules, update intervals); "
        f"default: {FILE_NAME} in the current folder when there is one",
    )


def load_project(args: argparse.Namespace) -> Project:
    """The project file of ``--project`` (or the current folder's); a bad one is a usage error."""
    try:
        return find(Path(args.project) if args.project else None)
    except ProjectError as e:
        raise UsageError(str(e)) from None


def project_config(args: argparse.Namespace, project: Project) -> dict[str, dict[str, Any]]:
    """Component settings: the project file's, then the command line's over them."""
    merged = {name: dict(section) for name, section in project.components.items()}
    for name, section in pipeline_config(args).items():
        merged.setdefault(name, {}).update(section)
    return merged
