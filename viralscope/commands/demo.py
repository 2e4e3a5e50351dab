"""``viralscope demo``: build the demo world into the store."""

from __future__ import annotations

import click

from viralscope import cli
from viralscope.cli import App, main
from viralscope.demo import world as demo_world
from viralscope.demo.install import install


@main.command("demo")
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=demo_world.DEFAULT_START.isoformat(),
              show_default=True, help="First day of the world (UTC).")
@click.option("--days", type=click.IntRange(min=demo_world.MIN_DAYS), default=demo_world.DEFAULT_DAYS,
              show_default=True, help="Length of the world in days.")
@click.option("--scale", type=click.IntRange(demo_world.MIN_SCALE, demo_world.MAX_SCALE), default=None,
              help=f"About how many mentions to make (default {demo_world.DEFAULT_SCALE:,}).")
@click.option("--seed", type=click.IntRange(min=0), default=7, show_default=True, help="Random seed.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the store already holds mentions.")
@click.pass_obj
def demo(app: App, start, days: int, scale: int | None, seed: int, if_empty: bool) -> None:
    """Build the demo world (a fictional brand, two competitors, a campaign and a crisis) into the store."""
    store = app.store
    if if_empty and not store.is_empty():
        click.echo(f"{store.path} already holds {store.count_mentions():,} mentions; demo world not built")
        return
    progress = cli.progress_enabled()
    world = demo_world.build_world(start=start.date(), days=days, scale=scale, seed=seed, progress=progress)
    click.echo(install(store, world, progress=progress).line(world))
