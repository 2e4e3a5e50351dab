"""``viralscope collect SOURCE|all``: gather mentions from the sources into the store."""

from __future__ import annotations

import time

import click

from collectors import SOURCES
from viralscope import cli, collecting
from viralscope.cli import App, main
from viralscope.core.errors import ConfigError


@main.command("collect")
@click.argument("source", type=click.Choice([*SOURCES, "all"]), metavar="SOURCE")
@click.option("--query", "-q", metavar="Q", help="Boolean query (default: [sources.<name>].query or the brands' queries).")
@click.option("--since", metavar="T", help="Start: ISO date/time (UTC unless an offset is given) or a duration ago (7d).")
@click.option("--until", metavar="T", help="End (exclusive), same forms as --since; default now.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Store at most N mentions this run.")
@click.option("--base-url", metavar="URL", help="Scheme, host and port of the source's API (another instance, a test server).")
@click.option("--brand", metavar="NAME", help="Tag every kept mention with this brand (default: by the brands' queries).")
@click.option("--every", metavar="INTERVAL", help="Run again every INTERVAL (e.g. 15m) until interrupted.")
@click.option("--quiet", is_flag=True, help="Print nothing unless a source failed (for cron).")
@click.pass_obj
def collect(app: App, source: str, query, since, until, limit, base_url, brand, every, quiet) -> None:
    """Collect mentions from SOURCE (hackernews, reddit, mastodon, bluesky, youtube, x, rss) or all configured.

    Only mentions that match the query are stored; each page is stored with its cursor, so an interrupted
    run resumes where it stopped and running again never duplicates a mention.
    """
    if source == "all" and base_url:
        raise click.UsageError("--base-url applies to one source, not to all")
    if every and (since or until):
        raise click.UsageError("--every collects what is new each time; it does not take --since/--until")
    interval = collecting.parse_duration(every, "--every").total_seconds() if every else None
    t_since = collecting.parse_time(since, "--since") if since else None
    t_until = collecting.parse_time(until, "--until") if until else None
    config = app.config
    names = collecting.configured_sources(config) if source == "all" else [source]
    if not names:
        raise ConfigError(f"{config.origin}: no [sources.<name>] tables to collect from")
    for name in names:
        if name not in SOURCES:
            raise ConfigError(f"{config.origin}: [sources.{name}]: unknown source; known: {', '.join(SOURCES)}")

    while True:
        started = time.monotonic()
        failed = False
        for name in names:
            result = _run_one(app, name, config, query, base_url, t_since, t_until, limit, brand, quiet)
            failed |= result.status == "failed"
            if result.status in ("failed", "rate_limited"):
                click.echo(result.line(), err=True)
            elif not quiet:
                click.echo(result.line())
        if interval is None:
            if failed:
                raise click.exceptions.Exit(1)
            return
        try:
            time.sleep(max(0.0, interval - (time.monotonic() - started)))
        except KeyboardInterrupt:
            return


def _run_one(app, name, config, query, base_url, since, until, limit, brand, quiet):
    bar = None
    if cli.progress_enabled() and not quiet:
        from tqdm import tqdm

        bar = tqdm(desc=name, unit=" mentions", leave=False)

    def progress(note: str, kept: int) -> None:
        if bar is not None:
            bar.set_postfix_str(note, refresh=False)
            bar.update(kept)

    try:
        return collecting.collect_source(app.store, name, config, query=query, base_url=base_url, since=since,
                                         until=until, limit=limit, brand=brand, progress=progress)
    finally:
        if bar is not None:
            bar.close()
