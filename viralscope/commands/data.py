"""Getting data in and out: ``import``, ``import-conversions``, ``export``."""

from __future__ import annotations

import click

from viralscope import export as exporting
from viralscope import ingest, tables
from viralscope.cli import App, main


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), help="Default: from the file name.")
@click.option("--source", help="Source of rows that have none (e.g. an export from one platform).")
@click.pass_obj
def import_(app: App, file: str, fmt: str | None, source: str | None) -> None:
    """Import mentions from a CSV or JSON Lines FILE (all rows or none)."""
    summary = ingest.import_file(app.store, file, fmt=fmt, source=source)
    click.echo(summary.line())


@main.command("import-conversions")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_obj
def import_conversions(app: App, file: str) -> None:
    """Import daily business data: date, sessions, conversions[, revenue, spend, new_customers]."""
    summary = ingest.import_conversions(app.store, file)
    click.echo(summary.line())


@main.group("export")
def export_group() -> None:
    """Export a table as csv, jsonl or xlsx (text cells are made safe for spreadsheets)."""


def export_options(fn):
    fn = click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="File to write.")(fn)
    return click.option(
        "--format", "fmt", required=True, type=click.Choice(list(exporting.FORMATS)), help="File format."
    )(fn)


@export_group.command("mentions")
@export_options
@click.pass_obj
def export_mentions(app: App, fmt: str, out: str) -> None:
    """Every mention with the computed columns (sentiment, lang, cascade_id, depth)."""
    df = tables.mentions(app.store)
    exporting.write_table(df, fmt, out, sheet="mentions")
    click.echo(f"wrote {len(df):,} mentions to {out}")
