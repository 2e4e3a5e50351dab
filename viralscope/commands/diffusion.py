"""Diffusion on the command line: ``forecast fit|predict``, ``export cascades`` and ``export accounts``."""

from __future__ import annotations

import click

from viralscope import export as exporting
from viralscope.cli import App, main
from viralscope.commands.data import export_group, export_options, write_export
from viralscope.core.errors import ModelError

# The diffusion modules are imported inside the commands: they pull in scikit-learn and scipy, which every
# other command (and the dashboard's subprocesses) would otherwise pay for at start-up.

#: The store columns the diffusion computations read (the link columns were filled by the import).
_COLUMNS = ["id", "source", "created_at", "parent_id", "parent_resolved", "cascade_id", "depth", "kind",
            "author_id", "author_name", "author_followers", "brand"]


def _duration(_ctx, _param, value: str):
    import pandas as pd

    try:
        return pd.Timedelta(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a duration (e.g. 72h, 3d, 90min)") from None


def _mentions(app: App):
    return app.store.mentions(_COLUMNS)


def _write_table(app: App, fmt: str, out: str, what: str, table) -> None:
    """``table`` (a diffusion function of the stored mentions) exported as ``what``."""
    df = table(_mentions(app))
    write_export(app, df, fmt, out, sheet=what)
    click.echo(f"wrote {len(df):,} {what} to {out}")


@export_group.command("cascades")
@export_options
@click.pass_obj
def export_cascades(app: App, fmt: str, out: str) -> None:
    """Every cascade: size, depth, max breadth, structural virality, depth counts, timing, original author."""
    from diffusion.cascades import cascade_metrics

    _write_table(app, fmt, out, "cascades", cascade_metrics)


@export_group.command("accounts")
@export_options
@click.pass_obj
def export_accounts(app: App, fmt: str, out: str) -> None:
    """Every account: mentions by kind, cascades started and their reach, re-ignitions, followers."""
    from diffusion.accounts import account_table

    _write_table(app, fmt, out, "accounts", account_table)


@main.group("forecast")
def forecast_group() -> None:
    """Growth forecasts: final size and the chance of doubling, from a cascade's first minutes."""


_observe = click.option("--observe-minutes", "minutes", type=click.FloatRange(min=0, min_open=True), required=True,
                        help="How long each cascade is watched after its original post.")


@forecast_group.command("fit")
@_observe
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Model file to write (JSON).")
@click.option("--settle", default="72h", show_default=True, callback=_duration,
              help="Learn only from cascades whose post is at least this old (they had time to finish).")
@click.option("--folds", type=click.IntRange(min=1), default=5, show_default=True,
              help="Time-ordered test blocks of the newer half of the cascades.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Random seed.")
@click.pass_obj
def forecast_fit(app: App, minutes: float, out: str, settle: str, folds: int, seed: int) -> None:
    """Learn forecasts from the completed cascades in the store and report their quality on time-ordered folds
    (learned from older cascades, tested on newer ones)."""
    from diffusion.forecast import completed, describe_quality, fit_forecast

    model = fit_forecast(completed(_mentions(app), settle), minutes, folds=folds, seed=seed)
    model.save(out)
    click.echo(f"wrote {out}: {describe_quality(model.quality)}")


@forecast_group.command("predict")
@click.option("--model", "model_path", required=True, type=click.Path(dir_okay=False), help="Model from forecast fit.")
@_observe
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="CSV file to write.")
@click.pass_obj
def forecast_predict(app: App, model_path: str, minutes: float, out: str) -> None:
    """Forecast every cascade of the store from its first minutes (columns cascade_id, observed_size,
    predicted_size, p_double)."""
    from diffusion.forecast import PREDICTION_COLUMNS, ForecastModel, describe_quality, predict_forecast

    model = ForecastModel.load(model_path)
    if abs(model.observe_minutes - minutes) > 1e-9:
        raise ModelError(f"{model_path}: the model was fitted on the first {model.observe_minutes:g} minutes, "
                         f"not {minutes:g}; fit one with --observe-minutes {minutes:g}")
    df = predict_forecast(model, _mentions(app))
    exporting.write_table(df[PREDICTION_COLUMNS], "csv", out)
    click.echo(f"wrote {len(df):,} forecasts to {out}; the model's quality when fitted: {describe_quality(model.quality)}")
