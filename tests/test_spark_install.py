"""Spark is optional: its tests skip with the reason, and the command says in one line what is missing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from tests.spark_world import NO_PYSPARK, _skip_reason
from viralscope.cli import main


def test_without_java_the_spark_tests_skip_with_the_reason(monkeypatch, tmp_path):
    pytest.importorskip("pyspark", reason=NO_PYSPARK)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert _skip_reason() == "Java is not installed (Spark needs Java 17 or later; no java on PATH and JAVA_HOME unset)"
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk"))
    assert _skip_reason().startswith("Java is not installed") and "has no bin/java" in _skip_reason()


def test_without_pyspark_the_spark_tests_skip_with_the_reason(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark now raises ImportError
    assert _skip_reason() == NO_PYSPARK


def test_without_pyspark_the_command_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    result = CliRunner().invoke(main, ["spark", "analyze", "--input", str(tmp_path), "--output", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.output.strip() == "error: Spark is not installed (pyspark.sql): pip install 'viralscope[spark]'"


def test_without_java_the_command_fails_in_one_line(tmp_path):
    pytest.importorskip("pyspark", reason=NO_PYSPARK)
    (tmp_path / "m.jsonl").write_text('{"id": "1", "source": "x", "created_at": "2026-01-05", "text": "hi"}\n')
    env = {**os.environ, "JAVA_HOME": str(tmp_path / "no-jdk")}  # Spark's launcher runs $JAVA_HOME/bin/java
    env.pop("PYSPARK_GATEWAY_PORT", None)
    run = subprocess.run([sys.executable, "-m", "viralscope.spark", "analyze", "--input", str(tmp_path / "m.jsonl"),
                          "--output", str(tmp_path / "out"), "--master", "local[1]"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1].startswith("error: cannot start Spark (Java 17+ on PATH or JAVA_HOME?)")
    assert not (tmp_path / "out").exists()
