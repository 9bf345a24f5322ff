"""The synthetic corpus: the study's shape, fictional, and the same for the same seed."""

from __future__ import annotations

from pathlib import Path

import yaml
from docx import Document as DocxDocument

from qualcode.synthetic.corpus import CorpusSpec, generate_corpus


def texts(folder: Path) -> dict[str, list[str]]:
    return {p.name: [para.text for para in DocxDocument(str(p)).paragraphs]
            for p in sorted(folder.glob("*.docx"))}


def test_same_seed_same_corpus_other_seed_other_corpus(tmp_path: Path) -> None:
    first = generate_corpus(tmp_path / "a", scale=0.05, seed=7)
    generate_corpus(tmp_path / "b", scale=0.05, seed=7)
    generate_corpus(tmp_path / "c", scale=0.05, seed=8)
    assert texts(tmp_path / "a") == texts(tmp_path / "b")
    assert texts(tmp_path / "a") != texts(tmp_path / "c")
    assert (tmp_path / "a" / "manifest.yaml").read_text(encoding="utf-8") == \
        (tmp_path / "b" / "manifest.yaml").read_text(encoding="utf-8")
    assert len(first) == 2 + 1  # 43 and 23 scaled by 0.05, at least one of each


def test_default_spec_is_the_study() -> None:
    spec = CorpusSpec()
    assert (spec.interviews, spec.interview_municipalities) == (43, 36)
    assert (spec.focus_groups, spec.focus_group_participants) == (23, 200)


def test_manifest_marks_the_corpus_fictional_and_sizes_hold(tmp_path: Path) -> None:
    generate_corpus(tmp_path, scale=0.05, seed=1)
    manifest = (tmp_path / "manifest.yaml").read_text(encoding="utf-8")
    assert manifest.startswith("# Synthetic corpus: fictional")
    entries = yaml.safe_load(manifest)["documents"]
    for entry in entries:
        words = sum(len(p.split()) for p in texts(tmp_path)[entry["file"]])
        target = 8_000 if entry["kind"] == "interview" else 15_000
        assert target <= words < target * 1.2
