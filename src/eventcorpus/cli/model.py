"""``eventcorpus train`` and ``eventcorpus predict``: the event-extraction model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from eventcorpus.cli.app import app, cli_errors, err, out, print_json, warn_outside_schema
from eventcorpus.cli.scale import ADDRESS_HELP, ENGINE_HELP, predict_sharded_command
from eventcorpus.corpus import check_writable, refuse_input_as_output


@app.command("train")
def train(
    train_path: Annotated[Path, typer.Option("--train", help="Canonical JSONL with gold annotations to learn from.")],
    dev_path: Annotated[Path, typer.Option("--dev", help="Canonical JSONL with gold annotations to calibrate on.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Model folder to write.")],
    config_path: Annotated[
        Path | None, typer.Option("--config", help="Model config (YAML); default: built-in default.")
    ] = None,
    baseline: Annotated[bool, typer.Option("--baseline", help="Train the scikit-learn-only baseline instead.")] = False,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed (overrides the config's).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the model's meta as JSON.")] = False,
) -> None:
    """Train an event extractor and write it, with meta.json and a model card, to --out."""
    from eventcorpus.extract import load_config, train_model

    warn_outside_schema(train_path)

    with cli_errors():
        check_writable(out_dir)  # before training, not after it
        config = load_config(config_path, baseline=baseline, seed=seed)
        model = train_model(train_path, dev_path, config, config_path=config_path, log=lambda m: err.print(m))
        backup = model.save(out_dir)
    if backup is not None:
        err.print(f"the previous model in {out_dir} was kept as {backup}")
    if json_out:
        print_json(model.meta)
        return
    scores = model.meta["dev_scores"]
    summary = ", ".join(f"{m} {s['f1']:.1f}" for m, s in scores.items())
    out.print(f"✔ {model.annotator} written to {out_dir} in {model.meta['timings_s']['total']:.0f}s; dev F1: {summary}")


@app.command("predict")
def predict(
    model_dir: Annotated[Path, typer.Argument(help="Model folder written by `eventcorpus train`.")],
    input_path: Annotated[Path, typer.Argument(help="Canonical .jsonl, a .txt file, or a folder of .txt files.")],
    out_path: Annotated[Path, typer.Option("--out", help="Canonical JSONL of predicted annotation sets.")],
    batch_size: Annotated[int, typer.Option("--batch-size", help="Documents per batch.")] = 64,
    n_process: Annotated[int, typer.Option("--n-process", help="Worker processes.")] = 1,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    engine: Annotated[str, typer.Option("--engine", help=ENGINE_HELP)] = "local",
    address: Annotated[str | None, typer.Option("--address", help=ADDRESS_HELP)] = None,
) -> None:
    """Annotate documents with a trained model (pre-annotation for doccano)."""
    from eventcorpus.extract import predict_file

    if engine != "local" or address:
        with cli_errors():
            totals = predict_sharded_command(model_dir, input_path, out_path, engine, address, batch_size)
        if json_out:
            print_json(totals)
        else:
            out.print(f"✔ {totals['documents']} documents annotated in {totals['shards']} shard(s) -> {out_path}")
        return
    with cli_errors():
        refuse_input_as_output(out_path, input_path, model_dir)
        summary = predict_file(model_dir, input_path, out_path, batch_size=batch_size, n_process=n_process)
    if json_out:
        print_json(summary)
        return
    out.print(
        f"✔ {summary['documents']} documents annotated by {summary['annotator']}: {summary['entities']} entities, "
        f"{summary['events']} events, {summary['arguments']} arguments -> {out_path} ({summary['seconds']:.1f}s)"
    )
