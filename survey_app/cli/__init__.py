"""The ``amplify`` command line. Each module here adds one family of commands."""

from __future__ import annotations

import importlib
import inspect

import click

# One module per command family; each has ``register(group)``.
# The brand's commands live with the brand's app (``central.cli``); the command line is
# the one place where both sides meet, and it imports each only to register it.
COMMAND_MODULES = ("station", "forms", "sessions", "translations", "sync_station",
                   "central.cli")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="amplify-survey")
def main() -> None:
    """Amplify: an offline survey station for freedom-of-association interviews.

    Start with `amplify init`, then `amplify serve`. Every command takes --home
    (or AMPLIFY_HOME) and has its own --help.

    Example:

        amplify init --home ~/amplify && amplify serve --home ~/amplify
    """


def _keep_examples_verbatim(command: click.Command) -> None:
    """Mark every ``Example:`` block so click prints it as written, not re-wrapped."""
    text = inspect.cleandoc(command.help or "")
    if "Example:\n\n" in text and "\b" not in text:
        command.help = text.replace("Example:\n\n", "Example:\n\n\b\n")
    for sub in getattr(command, "commands", {}).values():
        _keep_examples_verbatim(sub)


for _name in COMMAND_MODULES:
    _module = _name if "." in _name else f"{__name__}.{_name}"
    importlib.import_module(_module).register(main)
_keep_examples_verbatim(main)
