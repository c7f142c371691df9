"""The ``proofread components`` subcommand: the pipeline's components and their settings."""

from __future__ import annotations

import argparse

from .. import config
from .common import EXIT_OK
from .pipeline_args import registered_components

NAME = "components"


def add_parser(subparsers) -> argparse.ArgumentParser:
    return subparsers.add_parser(NAME, help="list the pipeline components and their settings")


def run(args: argparse.Namespace) -> int:
    print(config.describe(registered_components()))
    return EXIT_OK
