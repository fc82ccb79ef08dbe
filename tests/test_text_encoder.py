"""--text-encoder: a sentence encoder's embeddings beside the TF-IDF features, offline, checked by its weights.

The encoders are tiny sentence-transformers models made here (a one-layer BERT over the words of the
training file, mean pooling, safetensors weights): nothing is downloaded.  The tests that need
sentence-transformers skip without the [semantic] extra; the ones about its absence run everywhere.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from nexusml.commands.predict import main as predict_main
from nexusml.train_model_pipeline_v2 import main as train_main
from tests.conftest import REPO

needs_extra = pytest.mark.skipif(
    __import__("importlib.util").util.find_spec("sentence_transformers") is None,
    reason="needs the [semantic] extra (sentence-transformers)",
)


def train(argv: list[str]) -> int:
    """``nexusml-train``'s exit code (argparse exits 2 for a bad argument by raising SystemExit)."""
    try:
        return train_main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def make_encoder(folder: Path, seed: int, texts: list[str]) -> Path:
    """A tiny sentence-transformers model over the words of ``texts``; ``seed`` sets its (random) weights."""
    import torch
    from sentence_transformers import SentenceTransformer

    try:
        from sentence_transformers.sentence_transformer import modules as models
    except ImportError:  # sentence-transformers before 6
        from sentence_transformers import models  # type: ignore[no-redef]
    from tokenizers import Tokenizer, pre_tokenizers
    from tokenizers.models import WordLevel
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    words = sorted({w for text in texts for w in re.findall(r"\w+", text.lower())})
    vocab = {w: i for i, w in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words])}
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    special = {"unk_token": "[UNK]", "pad_token": "[PAD]", "cls_token": "[CLS]", "sep_token": "[SEP]"}
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
    )
    base = folder / "transformer"
    BertModel(config).save_pretrained(base, safe_serialization=True)
    PreTrainedTokenizerFast(tokenizer_object=tokenizer, **special).save_pretrained(base)
    word = models.Transformer(str(base), max_seq_length=64)
    pooling = models.Pooling(word.get_embedding_dimension(), "mean")
    out = folder / "encoder"
    SentenceTransformer(modules=[word, pooling], device="cpu").save(str(out), safe_serialization=True)
    shutil.rmtree(base)
    return out


def training_frame() -> pd.DataFrame:
    """The bundled inventory's first 160 rows, each item twice with another service life (exports repeat items)."""
    frame = pd.read_csv(REPO / "nexusml" / "data" / "equipment_inventory.csv", dtype=str).head(160)
    again = frame.copy()
    again["service_life"] = (pd.to_numeric(again["service_life"]) + 5).astype(str)
    return pd.concat([frame, again], ignore_index=True)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Two tiny encoders (other weights) and a headless run with the first: (folder, encoders, metadata, rows)."""
    folder = tmp_path_factory.mktemp("encoder")
    frame = training_frame()
    data = folder / "inventory.csv"
    frame.to_csv(data, index=False)
    texts = frame.fillna("").astype(str).agg(" ".join, axis=1).tolist()
    first = make_encoder(folder / "a", 0, texts)
    second = make_encoder(folder / "b", 1, texts)
    argv = ["--headless", "--data-path", str(data), "--output-dir", str(folder / "out"), "--log-level", "ERROR"]
    assert train_main([*argv, "--text-encoder", str(first), "--no-suspects"]) == 0
    metadata = json.loads((folder / "out" / "equipment_classifier_latest_metadata.json").read_text())
    return folder, (first, second), metadata, frame


@needs_extra
def test_a_run_with_an_encoder_records_it_and_its_model_predicts_offline(trained, tmp_path, monkeypatch):
    folder, (encoder, _), metadata, frame = trained
    recorded = metadata["text_encoder"]
    assert recorded["name"] == str(encoder) and recorded["dimension"] == 16 and recorded["weight"] > 0
    assert len(recorded["fingerprint"]) == 64
    assert metadata["arguments"]["text_encoder"] == str(encoder)
    assert "encode" in metadata["stage_seconds"]
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    out = tmp_path / "coded.csv"
    model = folder / "out" / "equipment_classifier_latest.skops"
    assert predict_main(["--model", str(model), "--input", str(folder / "inventory.csv"), "--output", str(out)]) == 0
    coded = pd.read_csv(out, dtype=str)
    assert len(coded) == len(frame) and coded["predicted_category_name"].notna().all()


@needs_extra
def test_other_weights_under_the_same_name_are_refused_in_one_line(trained, tmp_path, capsys):
    folder, (encoder, other), _, _ = trained
    moved = tmp_path / "encoder"
    shutil.copytree(encoder, moved)
    model_dir = tmp_path / "models"
    shutil.copytree(folder / "out", model_dir)
    # The model finds its encoder where it was trained; here that folder now holds other weights.
    shutil.copy(other / "model.safetensors", encoder / "model.safetensors")
    try:
        code = predict_main(
            [
                "--model",
                str(model_dir / "equipment_classifier_latest.skops"),
                "--input",
                str(folder / "inventory.csv"),
                "--output",
                str(tmp_path / "coded.csv"),
            ]
        )
    finally:
        shutil.copy(moved / "model.safetensors", encoder / "model.safetensors")
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len(err) == 1 and "fingerprint" in err[0] and str(encoder) in err[0] and "Traceback" not in err[0]
    assert not (tmp_path / "coded.csv").exists()


@needs_extra
def test_each_distinct_text_is_encoded_once_per_run(trained, tmp_path, monkeypatch):
    from nexusml.features import sentence_encoder
    from nexusml.options.arguments import arguments_from_values
    from nexusml.pipeline import run_training

    folder, (_, other), _, frame = trained
    encoded: list[str] = []
    real = sentence_encoder.load_encoder(str(other)).model.encode

    def counting(texts, **kwargs):
        encoded.extend(texts)
        return real(texts, **kwargs)

    monkeypatch.setattr(sentence_encoder.load_encoder(str(other)).model, "encode", counting)
    sentence_encoder.load_encoder(str(other)).vectors.clear()
    stages: list[str] = []
    args = arguments_from_values(
        {"data_path": folder / "inventory.csv", "output_dir": tmp_path, "text_encoder": str(other), "suspects": True}
    )
    run_training(args, on_event=lambda event: stages.append(type(event).__name__ + ":" + getattr(event, "stage", "")))
    assert "StageFinished:encode" in stages
    # Every item is in the file twice: half as many texts as rows, each encoded exactly once through the
    # fits, the held-out rows, the refit, the suspect labels' folds and the sample prediction.
    assert len(encoded) == len(set(encoded)) == len(frame) // 2


@needs_extra
def test_cancel_stops_the_encoding_between_batches(trained, monkeypatch):
    from nexusml.errors import Cancelled
    from nexusml.features import sentence_encoder

    _, (encoder, _), _, _ = trained
    loaded = sentence_encoder.load_encoder(str(encoder))
    monkeypatch.setattr(sentence_encoder, "BATCH_SIZE", 4)
    seen: list[tuple[int, int]] = []
    with pytest.raises(Cancelled):
        loaded.ensure(
            [f"new text {i}" for i in range(40)], progress=lambda *p: seen.append(p), should_stop=lambda: len(seen) >= 2
        )
    assert seen == [(4, 40), (8, 40)]


@needs_extra
def test_none_keeps_todays_model_and_a_missing_encoder_is_a_bad_argument(trained, tmp_path, capsys, monkeypatch):
    folder, _, _, _ = trained
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path / "hub"))  # an empty model cache
    argv = ["--headless", "--data-path", str(folder / "inventory.csv"), "--output-dir", str(tmp_path / "out")]
    assert train([*argv, "--text-encoder", "no-such-encoder"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--text-encoder" in err[0] and "never downloads" in err[0]
    assert train_main([*argv, "--text-encoder", "none", "--log-level", "ERROR", "--no-suspects"]) == 0
    metadata = json.loads((tmp_path / "out" / "equipment_classifier_latest_metadata.json").read_text())
    assert metadata["text_encoder"] is None and "encode" not in metadata["stage_seconds"]


@needs_extra
def test_a_name_is_found_in_the_users_model_cache(trained, tmp_path, monkeypatch):
    from nexusml.features import sentence_encoder

    _, (encoder, _), _, _ = trained
    # The Hugging Face cache's layout: models--ORG--NAME/snapshots/REVISION, refs/main naming the revision.
    repo = tmp_path / "hub" / "models--sentence-transformers--tiny-encoder"
    shutil.copytree(encoder, repo / "snapshots" / "0123abcd")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0123abcd")
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path / "hub"))
    assert sentence_encoder.resolve("tiny-encoder") == repo / "snapshots" / "0123abcd"
    assert sentence_encoder.resolve("sentence-transformers/tiny-encoder") == repo / "snapshots" / "0123abcd"
    found = sentence_encoder.load_encoder("tiny-encoder")
    assert found.fingerprint == sentence_encoder.load_encoder(str(encoder)).fingerprint
    with pytest.raises(sentence_encoder.EncoderError, match="hf download sentence-transformers/other"):
        sentence_encoder.resolve("other")
    with pytest.raises(sentence_encoder.EncoderError, match=r"folder \./nowhere not found"):
        sentence_encoder.resolve("./nowhere")


def test_without_the_extra_the_flag_exits_2_with_the_install_line(tmp_path, monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "sentence_transformers" else real(name, *a)
    )
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    data = tmp_path / "inventory.csv"
    training_frame().to_csv(data, index=False)
    code = train(["--headless", "--data-path", str(data), "--text-encoder", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert (
        err == [err[0]]
        and 'pip install -e ".[semantic]"' in err[0]
        and err[0].startswith("nexusml-train: error: --text-encoder:")
    )
