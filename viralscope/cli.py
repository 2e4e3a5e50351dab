"""The ``viralscope`` command line: a thin click layer. Commands parse input, call library code, print.

Each command lives in a module of ``viralscope.commands`` that registers itself on ``main``; library
errors become one line on standard error and a non-zero exit here, at the edge, and nowhere else.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from dataclasses import dataclass, field
from functools import cached_property

import click

from viralscope.core import __version__, settings
from viralscope.core.errors import ViralscopeError


@dataclass
class App:
    """What every command needs: where the store is and what the configuration says."""

    db_flag: str | None = None
    config_flag: str | None = None
    _cache: dict = field(default_factory=dict)

    @cached_property
    def store(self):
        from viralscope.store import Store

        return Store(settings.db_path(self.db_flag), lock_timeout=float(settings.resolve("lock_timeout")))

    @cached_property
    def config(self):
        from viralscope.config import load_config

        return load_config(self.config_flag, store=self.store)


class _Group(click.Group):
    """Turns library errors into one line and exit status 1 (2 stays click's usage errors)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ViralscopeError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", metavar="PATH", help="Store file (default: $VIRALSCOPE_DB or data/viralscope.duckdb).")
@click.option("--config", "config", metavar="FILE", help="TOML configuration (default: viralscope.toml).")
@click.version_option(__version__, prog_name="viralscope")
@click.pass_context
def main(ctx: click.Context, db: str | None, config: str | None) -> None:
    """viralscope: social listening and viral-impact analytics."""
    ctx.obj = App(db_flag=db, config_flag=config)


def _register_commands() -> None:
    import viralscope.commands as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        importlib.import_module(f"{package.__name__}.{info.name}")


_register_commands()


def progress_enabled() -> bool:
    """Progress bars on a terminal only; quiet when piped (cron, scripts)."""
    return sys.stderr.isatty()
