"""``viralscope analyze``: score what is unscored, rebuild the cascades, print the last week's KPIs."""

from __future__ import annotations

import click

from viralscope import cli, pipeline
from viralscope.cli import App, main


@main.command("analyze")
@click.option("--rescore", is_flag=True, help="Score every mention again, not only the unscored ones.")
@click.pass_obj
def analyze(app: App, rescore: bool) -> None:
    """Bring the store up to date: sentiment, cascades, and the KPIs of the last 7 days of mentions."""
    from tqdm import tqdm

    with tqdm(total=0, unit="texts", disable=not cli.progress_enabled(), leave=False) as bar:

        def advance(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        result = pipeline.analyze(app.store, app.config, rescore=rescore, progress=advance)
    for line in result.lines():
        click.echo(line)
