"""``viralscope watch``: collect, score, detect and alert every INTERVAL, until stopped."""

from __future__ import annotations

import logging
import signal

import click

from viralscope import collecting, watch
from viralscope.cli import App, main
from viralscope.core.errors import ConfigError


@main.command("watch")
@click.option("--every", default=watch.DEFAULT_EVERY, show_default=True, metavar="INTERVAL",
              help="Start a cycle this often (e.g. 30s, 1m, 5m).")
@click.option("--backfill", metavar="DURATION",
              help=f"How far back a source with no history starts (default: its [sources.<name>] since, else "
                   f"{watch.DEFAULT_BACKFILL}).")
@click.option("--once", is_flag=True, help="Run one cycle and exit (for cron, or to try the configuration).")
@click.pass_obj
def watch_command(app: App, every: str, backfill: str | None, once: bool) -> None:
    """Collect every configured source, score and link what is new, detect crises and volume spikes of the brand
    and its competitors, send each new incident once to [alerts], and record a heartbeat — every INTERVAL.

    SIGTERM or Ctrl-C lets the write under way finish and exits 0; a restart resumes from the cursors.
    """
    interval = collecting.parse_duration(every, "--every").total_seconds()
    if interval <= 0:
        raise click.UsageError("--every must be longer than 0 s")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = app.config
    if not collecting.configured_sources(config):
        raise ConfigError(f"{config.origin}: no [sources.<name>] tables to collect from")
    watcher = watch.Watcher(app.store, config, every=interval, backfill=backfill)

    def stop(signum, frame):
        logging.getLogger("viralscope.watch").info("%s: finishing the write under way, then exiting",
                                                   signal.Signals(signum).name)
        watcher.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    watcher.run(once=once, on_cycle=lambda c: logging.getLogger("viralscope.watch").info("%s", c.line()))
