"""``viralscope report``: the weekly report as HTML, XLSX, CSV (zip) or PDF, optionally e-mailed."""

from __future__ import annotations

import click

from viralscope import reports
from viralscope.cli import App, main
from viralscope.reports import mail


@main.command("report")
@click.option("--week", required=True, metavar="YYYY-Www",
              help="ISO week (Monday to Sunday, UTC), e.g. 2026-W06; 'last' for the last complete week with data.")
@click.option("--format", "fmt", type=click.Choice(list(reports.FORMATS)), default="html", show_default=True,
              help="html (one self-contained page), xlsx (a sheet per table), csv (a zip of one CSV per table), pdf.")
@click.option("--out", required=True, metavar="FILE",
              help="File to write; '{week}' in the name becomes the week (e.g. reports/lumio-{week}.html).")
@click.option("--email", is_flag=True, help="Also e-mail the report (SMTP settings of [report] or [alerts]).")
@click.option("--include-authors", is_flag=True,
              help="Show authors as collected (default: keyed pseudonyms; brand accounts stay in clear).")
@click.option("--brand", help="Only this brand's mentions (default: the configured brand when mentions carry it).")
@click.option("--lang", type=click.Choice(["en", "ko"]), default=None,
              help="Language of the report's words (default: [report] language, else en).")
@click.pass_obj
def report_command(app: App, week: str, fmt: str, out: str, email: bool, include_authors: bool,
                   brand: str | None, lang: str | None) -> None:
    """Write the weekly report of WEEK against the week before."""
    lang = lang or app.config.report.language or "en"
    settings = mail.mail_settings(app.config) if email else None  # a configuration error stops before any work
    if week.strip().lower() == "last":
        week, complete = reports.last_week_with_data(app.store, app.config, brand)
        click.echo(f"--week last: {week}, the last complete week with data" if complete else
                   f"--week last: {week}, the only week with data (it may not be complete yet)")
    built = reports.build(app.store, app.config, week, brand=brand, include_authors=include_authors, parallel=True,
                          lang=lang)
    path = reports.render(built, fmt, out.replace("{week}", built.week))
    click.echo(f"wrote the weekly report {built.week} ({fmt}) to {path}")
    if settings is not None:
        click.echo(f"e-mailed {path.name}: {mail.send(built, path, settings)}")
