"""``viralscope metrics`` (every KPI of a window as JSON) and ``viralscope alerts check``."""

from __future__ import annotations

import json

import click

from viralscope import alerts, kpis
from viralscope.cli import App, main


@main.command("metrics")
@click.option("--window", required=True, metavar="START..END", help="Half-open period: ISO dates or datetimes (UTC).")
@click.option("--baseline", metavar="START..END", help="Default: the equally long period just before the window.")
@click.option("--brand", help="Only this brand's mentions (default: the configured brand when mentions carry it).")
@click.pass_obj
def metrics_command(app: App, window: str, baseline: str | None, brand: str | None) -> None:
    """Print every KPI of a window as JSON: value, 95% interval, window, baseline, n and definition."""
    result = kpis.compute(app.store, app.config, window, baseline, brand)
    click.echo(json.dumps(result, indent=2, ensure_ascii=False, allow_nan=False))


@main.group("alerts")
def alerts_group() -> None:
    """Crisis alerts: detect incidents and send each one once to the configured targets."""


@alerts_group.command("check")
@click.option("--notify", is_flag=True, help="Send new incidents to the webhook and/or e-mail of [alerts].")
@click.option("--now", metavar="DATETIME", help="Check as of this time (default: now).")
@click.option("--brand", help="Only this brand's mentions (default: the configured brand when mentions carry it).")
@click.pass_obj
def alerts_check(app: App, notify: bool, now: str | None, brand: str | None) -> None:
    """Detect crisis incidents in recent mentions; with --notify, deliver the new ones (each once)."""
    report = alerts.check(app.store, app.config, now=now, brand=brand, notify=notify)
    for note in report["notes"]:
        click.echo(f"note: {note}", err=True)
    for problem in report["delivery_problems"]:
        click.echo(f"warning: {problem}", err=True)
    click.echo(json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False))
