"""The README tells the truth: its commands and options exist, its Python runs, its example configuration loads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import collectors
from viralscope.cli import main
from viralscope.config import read_config_file
from viralscope.core.errors import NotConfigured

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(after: str, lang: str = "") -> str:
    start = README.index(after)
    match = re.compile(rf"```{lang}\n(.*?)```", re.S).search(README, start)
    return match.group(1)


def _command_lines() -> list[tuple[list[str], list[str]]]:
    """(command words, options) for every command of the README's list.

    ``sentiment train LABELS.csv | sentiment eval …`` and ``sentiment rescore | models | …`` both list
    several commands; a part that does not start with a top-level command continues the previous one's group.
    """
    out = []
    for line in _block("## Command line").splitlines()[1:]:
        text = line.split("   ")[0].strip()  # drop the description column
        if not text or text.startswith(("SOURCE:", "(")):
            continue
        group = None
        for part in text.split(" | "):
            words = re.findall(r"^(?:[a-z][a-z-]*\s?)+", part)[0].split()
            if words[0] not in main.commands and group:
                words = [group, *words]
            group = words[0]
            if words[0] in ("demo", "import", "import-conversions", "collect", "analyze", "metrics", "report",
                            "dashboard"):
                words = words[:1]  # what follows is an argument (FILE, SOURCE …), not a subcommand
            options = re.findall(r"--[a-z][a-z-]*", part)
            choices = re.match(r"^[a-z-]+ \{([a-z,]+)\}", part)  # export {mentions,cascades,…}
            for sub in choices.group(1).split(",") if choices else [None]:
                out.append(([*words[:1], sub] if sub else words[:2], options))
    return out


def _help(words: list[str]) -> str:
    result = CliRunner().invoke(main, [*words, "--help"])
    assert result.exit_code == 0, f"viralscope {' '.join(words)}: {result.output}"
    return result.output


@pytest.mark.parametrize("command, options", _command_lines(), ids=lambda v: " ".join(v) if v else "-")
def test_every_listed_command_and_option_exists(command, options):
    if command == ["viralscope"]:
        command = []
    text = _help(command)
    for option in options:
        assert option in text, f"viralscope {' '.join(command)} has no {option}"


def test_the_list_is_complete():
    listed = {tuple(c) for c, _ in _command_lines()}
    assert {(name,) for name in main.commands if name not in ("sentiment", "export", "forecast", "alerts", "spark")} <= listed
    assert {("sentiment", n) for n in main.commands["sentiment"].commands} <= listed
    assert {("export", n) for n in main.commands["export"].commands} <= listed
    assert {("forecast", "fit"), ("forecast", "predict"), ("alerts", "check")} <= listed
    assert {("spark", n) for n in main.commands["spark"].commands} <= listed


def test_the_example_configuration_loads_and_every_source_accepts_its_settings():
    config = read_config_file(ROOT / "viralscope.example.toml")
    assert config.brand.name == "Lumio" and len(config.competitors) == 2 and config.campaigns
    for name, settings in config.sources.items():
        try:
            collectors.source(name, settings)  # raises ConfigError on an unknown key
        except NotConfigured:  # the settings were accepted; the credentials are not in this environment
            pass


def test_the_python_api_block_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["--db", "data/viralscope.duckdb", "demo", "--scale", "2000"]).exit_code == 0
    assert runner.invoke(main, ["--db", "data/viralscope.duckdb", "analyze"]).exit_code == 0
    names: dict = {}
    exec(compile(_block("## Python API", "python"), "README.md", "exec"), names)  # noqa: S102 - our own README
    assert names["structural_virality"]({"a": "root", "b": "root", "c": "a"}) == pytest.approx(20 / 12)
    assert names["score"](["배송이 너무 늦어요 최악"])["label"].tolist() == ["negative"]
    assert names["lift"]["status"] == "ok" and names["lift"]["estimate"] > 0  # the campaign raised mentions
    assert names["change"]["status"] == "ok" and names["roi"]["status"] == "ok"
    assert len(names["cascades"]) and {"start", "end", "severity"} <= set(names["incidents"].columns)
