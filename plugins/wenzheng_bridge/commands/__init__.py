"""The ``wenzheng`` subcommands: one module per job's front end, registered in ``cli``.

Commands sit on the top layer: they may use every job, and no job imports them.
A plugin adds a subcommand the same way the core does: ``command(name, Command(...))``.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Callable

from ..registry import ExtensionPoint


@dataclass(frozen=True)
class Command:
    """A subcommand: its help line, its arguments, and what it runs."""

    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, dict], int]


COMMANDS: ExtensionPoint[Command] = ExtensionPoint("命令", "wenzheng subcommands, in --help order")


def command(name: str, subcommand: Command) -> Command:
    """Register ``wenzheng NAME``; its Chinese help line is its doc."""
    return COMMANDS.register(name, subcommand, subcommand.help)
