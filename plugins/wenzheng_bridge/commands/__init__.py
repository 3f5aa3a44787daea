"""The ``wenzheng`` subcommands: one module per job's front end, all declared in ``cli.COMMANDS``.

Commands sit on the top layer: they may use every job, and no job imports them.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Command:
    """A subcommand: its help line, its arguments, and what it runs."""

    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, dict], int]
