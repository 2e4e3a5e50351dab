"""``viralscope sentiment``: train and evaluate models on labels, rescore the store, list and switch models."""

from __future__ import annotations

import click

from viralscope import cli, scoring, sentiment_training
from viralscope.cli import App, main
from viralscope.store import models as modelstore


@main.group("sentiment")
def sentiment_group() -> None:
    """Sentiment models: train on labels, evaluate, rescore, list and switch."""


@sentiment_group.command("train")
@click.argument("labels", type=click.Path(dir_okay=False), required=False)
@click.option("--lang", "langs", multiple=True, help="Train only this language (en, ko, other); repeatable.")
@click.option("--folds", default=5, show_default=True, help="Cross-validation folds (0: no cross-validation).")
@click.option("--force", is_flag=True, help="Activate the new model even if it does not beat the built-in scorer.")
@click.option("--no-corrections", is_flag=True, help="Leave out the corrections saved in the store.")
@click.pass_obj
def train(app: App, labels: str | None, langs: tuple[str, ...], folds: int, force: bool, no_corrections: bool) -> None:
    """Train a model per language on LABELS.csv (text,label[,lang]) and the store's corrections."""
    rows = sentiment_training.read_labels(labels) if labels else None
    data = sentiment_training.training_rows(app.store, rows, use_corrections=not no_corrections)
    results = sentiment_training.train(app.store, data, langs=list(langs) or None, folds=folds, force=force)
    for result in results:
        click.echo(result.line())
    if any(r.active for r in results):
        click.echo("run `viralscope sentiment rescore` to rescore the stored mentions with the new model")


@sentiment_group.command("eval")
@click.argument("labels", type=click.Path(dir_okay=False))
@click.pass_obj
def evaluate(app: App, labels: str) -> None:
    """Accuracy and macro F1 of the active models (or built-in scorers) on LABELS.csv."""
    rows = sentiment_training.training_rows(None, sentiment_training.read_labels(labels))
    report = sentiment_training.evaluate(app.store, rows)
    overall = report["all"]
    click.echo(f"all: n={overall['n']:,} accuracy {overall['accuracy']:.3f} macro F1 {overall['macro_f1']:.3f}")
    for lang, m in report["by_lang"].items():
        click.echo(
            f"{lang}: n={m['n']:,} accuracy {m['accuracy']:.3f} macro F1 {m['macro_f1']:.3f} "
            f"({report['models'][lang]})"
        )


@sentiment_group.command("rescore")
@click.pass_obj
def rescore(app: App) -> None:
    """Score every mention again with what is active now (analysts' corrections are kept)."""
    from tqdm import tqdm

    with tqdm(total=0, unit="texts", disable=not cli.progress_enabled(), leave=False) as bar:

        def advance(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        summary = scoring.score_store(app.store, rescore=True, progress=advance)
    click.echo(summary.line())


@sentiment_group.command("models")
@click.pass_obj
def models(app: App) -> None:
    """List the stored sentiment models."""
    table = modelstore.list_models(app.store, prefix="sentiment-")
    if table.empty:
        click.echo("no trained sentiment models; the built-in scorers are in use")
        return
    for row in table.itertuples():
        cv = row.metrics.get("cv") or {}
        figure = f"cv macro F1 {cv['macro_f1']:.3f}" if cv else "not cross-validated"
        mark = "*" if row.active else " "
        click.echo(
            f"{mark} {row.name} v{row.version}  {row.created_at:%Y-%m-%d %H:%M}  "
            f"{row.metrics.get('rows', 0):,} labels  {figure}"
        )


@sentiment_group.command("activate")
@click.argument("name")
@click.argument("version", type=int)
@click.pass_obj
def activate(app: App, name: str, version: int) -> None:
    """Make VERSION the active model NAME (e.g. sentiment-ko 2)."""
    modelstore.activate(app.store, name, version)
    click.echo(f"{name} v{version} is active; run `viralscope sentiment rescore` to apply it")


@sentiment_group.command("deactivate")
@click.argument("name")
@click.pass_obj
def deactivate(app: App, name: str) -> None:
    """Go back to the built-in scorer for NAME's language."""
    modelstore.deactivate(app.store, name)
    click.echo(f"{name} has no active model; run `viralscope sentiment rescore` to apply it")
