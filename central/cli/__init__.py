"""``amplify central …``: the brand's commands, one module per family.

Each module adds its commands to the ``central`` group; the station's ``amplify``
command registers this group (the command line is where both sides meet).
"""

from __future__ import annotations

import click


@click.group("central")
def central() -> None:
    """The brand's central dataset: keys, trusted stations, projects, merging bundles.

    Example:

        amplify central init --home ~/brand && amplify central merge --home ~/brand *.bundle
    """


def register(group: click.Group) -> None:
    from .. import country_cli
    from . import (  # noqa: F401
        data_commands,
        export_command,
        serve_command,
        setup_commands,
        user_commands,
    )

    country_cli.register(central)
    group.add_command(central)
