"""Getting data in and out: ``import``, ``import-conversions``, ``export``."""

from __future__ import annotations

import click

from viralscope import export as exporting
from viralscope import ingest, privacy, tables
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


def _remember_include_authors(ctx: click.Context, _param, value: bool) -> bool:
    ctx.meta["viralscope.include_authors"] = bool(value)
    return value


def export_options(fn):
    """``--format``, ``--out`` and ``--include-authors`` (read back with ``authors(app)``)."""
    fn = click.option(
        "--include-authors", is_flag=True, expose_value=False, callback=_remember_include_authors,
        help="Show authors as they are (default: keyed pseudonyms; brand accounts stay in clear).",
    )(fn)
    fn = click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="File to write.")(fn)
    return click.option(
        "--format", "fmt", required=True, type=click.Choice(list(exporting.FORMATS)), help="File format."
    )(fn)


def authors(app: App) -> privacy.Pseudonymizer | None:
    """The author policy of the running export command: a pseudonymizer unless --include-authors was given."""
    ctx = click.get_current_context()
    return privacy.for_store(app.store, app.config, include_authors=ctx.meta.get("viralscope.include_authors", False))


def write_export(app: App, df, fmt: str, out: str, *, sheet: str) -> None:
    """Write a table the way every ``export`` command does: authors pseudonymised unless asked otherwise."""
    exporting.write_table(privacy.protect(df, authors(app)), fmt, out, sheet=sheet)


@export_group.command("mentions")
@export_options
@click.pass_obj
def export_mentions(app: App, fmt: str, out: str) -> None:
    """Every mention with the computed columns (sentiment, lang, cascade_id, depth)."""
    df = tables.mentions(app.store)
    write_export(app, df, fmt, out, sheet="mentions")
    click.echo(f"wrote {len(df):,} mentions to {out}")


@export_group.command("alerts")
@export_options
@click.option("--brand", help="Only this brand's mentions (default: the configured brand when mentions carry it).")
@click.pass_obj
def export_alerts(app: App, fmt: str, out: str, brand: str | None) -> None:
    """Crisis incidents detected in the store, each with the alerts sent for it (and alerts sent for
    incidents the current data no longer shows)."""
    df = tables.alerts(app.store, app.config, brand=brand)
    write_export(app, df, fmt, out, sheet="alerts")
    click.echo(f"wrote {len(df):,} incidents and alerts to {out}")
