"""The README documents every command and setting; every command's help has an example."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from survey_app.cli import main
from survey_app.settings import SETTINGS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "amplify"):
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path)


COMMANDS = list(_commands(main))


def test_there_are_commands_to_check():
    assert len(COMMANDS) >= 5


@pytest.mark.parametrize("path,command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_is_documented_in_readme(path, command):
    assert re.search(rf"`{re.escape(path)}\b", README), f"README does not document `{path}`"


@pytest.mark.parametrize("path,command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_help_has_an_example(path, command):
    assert "Example:" in (command.help or ""), f"`{path} --help` has no Example: block"


@pytest.mark.parametrize("setting", SETTINGS, ids=[s.name for s in SETTINGS])
def test_setting_is_documented_in_readme_word_for_word(setting):
    row = f"| `{setting.name}` | `{setting.default}` | {setting.help} |"
    found = re.search(rf"^\| `{setting.name}` \|.*$", README, re.M)
    assert found, f"README settings table has no row for `{setting.name}`"
    assert found.group(0) == row, f"README's row for `{setting.name}` differs from settings.py"


def test_readme_settings_table_has_no_unknown_rows():
    table = README.split("### Settings", 1)[1].split("\n#", 1)[0]
    names = re.findall(r"^\| `([a-z_0-9]+)` \|", table, re.M)
    assert names == [s.name for s in SETTINGS]


def test_readme_opens_with_the_two_quick_start_commands():
    start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^```(?:sh|bash)?\n(.+?)\n```", start, re.M | re.S)
    assert len(commands) == 2, "the quick start must show exactly two commands"
    assert "run.py" in commands[0] or "amplify serve" in commands[0]
    assert "pytest" in commands[1]
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert commands[1].strip() in ci, ".ci/run must call the README's test command as written"


def _central_settings_rows() -> list[str]:
    block = README.split("<!-- central-settings:start -->")[1]
    block = block.split("<!-- central-settings:end -->")[0]
    return [line for line in block.splitlines() if line.startswith("| `")]


def test_central_settings_table_matches_central_settings_word_for_word():
    from central.settings import SETTINGS as CENTRAL_SETTINGS

    expected = [f"| `{s.name}` | `{s.default}` | {s.help} |" for s in CENTRAL_SETTINGS]
    assert _central_settings_rows() == expected
