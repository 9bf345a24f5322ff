"""Study-sized synthetic corpora for tests and benchmarks, deterministic for a seed.

By default: 43 interviews in 36 municipalities (about 8,000 words each) and
focus groups in 23 municipalities with 200 participants in all (about 15,000
words each), as the study has. The text is recombined from the sentences of
the fictional demo corpus; municipality names are generated and fictional.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from qualcode.synthetic.docx_writer import write_transcript_docx
from qualcode.transcripts.turns import TIME_MARK, split_turns

DEMO = Path(__file__).resolve().parents[3] / "transcripts" / "demo" / "txt"
SENTENCE = re.compile(r"[^.!?]+[.!?]")
PREFIXES = ("Alt", "Neu", "Ober", "Nieder", "Groß", "Klein", "Bad ", "Sankt ", "Hohen", "Wester")
STEMS = ("brunn", "wald", "au", "feld", "hausen", "stedt", "dorf", "heim", "bach", "moor", "tal",
         "bergen", "roda", "lingen", "hagen")
ROOTS = ("Kessel", "Wendel", "Hasel", "Eulen", "Rabe", "Linden", "Fuchs", "Birken", "Erlen",
         "Mühl", "Stein", "Wiesen", "Dachs", "Ulmen", "Falken", "Holunder", "Lerchen")
LANDER = ("Nordrhein-Westfalen", "Niedersachsen", "Sachsen", "Bayern", "Hessen", "Thüringen",
          "Baden-Württemberg", "Brandenburg", "Schleswig-Holstein", "Rheinland-Pfalz")
TYPES = ("kreisfreie Stadt", "kreisangehörige Stadt", "Landkreis", "Gemeinde")
ROLES = ("Integrationsbeauftragte", "Leiter des Sozialamts", "Ehrenamtskoordinatorin",
         "Bürgermeister", "Migrationsberaterin", "Mitarbeiter der Ausländerbehörde",
         "Teamleiterin im Jobcenter", "Ehrenamtliche", "Vorsitzender eines Vereins",
         "Sozialarbeiterin")
MARKERS = (" (unv.)", " (lacht)", " (...)", "")


@dataclass(frozen=True)
class CorpusSpec:
    interviews: int = 43
    interview_municipalities: int = 36
    interview_words: int = 8_000
    focus_groups: int = 23
    focus_group_participants: int = 200
    focus_group_words: int = 15_000

    def scaled(self, scale: float) -> CorpusSpec:
        def up(n: int) -> int:
            return max(1, round(n * scale))

        return CorpusSpec(up(self.interviews), up(self.interview_municipalities),
                          self.interview_words, up(self.focus_groups),
                          max(up(self.focus_groups) * 2, up(self.focus_group_participants)),
                          self.focus_group_words)


@dataclass(frozen=True)
class _Bank:
    questions: list[str]
    sentences: list[str]


def _bank() -> _Bank:
    questions, sentences = [], []
    for path in sorted(DEMO.glob("*.txt")):
        transcript = split_turns(path.read_text(encoding="utf-8").split("\n"))
        for turn in transcript.turns:
            text = TIME_MARK.sub("", transcript.text[turn.start:turn.end]).strip()
            if turn.label in ("I", "Moderation"):
                questions.append(text)
            else:
                sentences += [s.strip() for s in SENTENCE.findall(text) if len(s.split()) > 3]
    return _Bank(questions, sentences)


def _municipalities(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    names: set[str] = set()
    found = []
    while len(found) < count:
        prefix, root = rng.choice(PREFIXES), rng.choice(ROOTS)
        name = prefix + (root if prefix.endswith(" ") else root.lower()) + rng.choice(STEMS)
        if name in names:
            continue
        names.add(name)
        kind = rng.choice(TYPES)
        found.append(("Landkreis " + name if kind == "Landkreis" else name, kind,
                      rng.choice(LANDER)))
    return found


def generate_corpus(out: Path, *, scale: float = 1.0, seed: int = 1) -> list[Path]:
    """Write the corpus as .docx files plus ``manifest.yaml`` into ``out``; return the files."""
    spec = CorpusSpec().scaled(scale)
    rng = random.Random(seed)
    bank = _bank()
    out.mkdir(parents=True, exist_ok=True)
    places = _municipalities(rng, max(spec.interview_municipalities, spec.focus_groups))
    entries, files = [], []
    for n in range(spec.interviews):
        place = places[n % spec.interview_municipalities]
        labels = {"I": "Interviewerin", "B": rng.choice(ROLES)}
        files.append(_write(out, f"interview-{n + 1:03d}", place, "interview", labels,
                            spec.interview_words, bank, rng, entries))
    sizes = _split(spec.focus_group_participants, spec.focus_groups)
    for n, size in enumerate(sizes):
        labels = {"Moderation": "Moderatorin"} | {f"TN{k}": rng.choice(ROLES)
                                                  for k in range(1, size + 1)}
        files.append(_write(out, f"fokusgruppe-{n + 1:03d}", places[n], "focus group", labels,
                            spec.focus_group_words, bank, rng, entries))
    (out / "manifest.yaml").write_text(
        "# Synthetic corpus: fictional municipalities and speakers.\n"
        + yaml.safe_dump({"documents": entries}, allow_unicode=True, sort_keys=False),
        encoding="utf-8")
    return files


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if k < extra else 0) for k in range(parts)]


def _write(out: Path, stem: str, place: tuple[str, str, str], kind: str,
           labels: dict[str, str], words: int, bank: _Bank, rng: random.Random,
           entries: list[dict]) -> Path:  # type: ignore[type-arg]
    municipality, mtype, land = place
    asker = "I" if kind == "interview" else "Moderation"
    speakers = [label for label in labels if label != asker]
    title = "Interview" if kind == "interview" else "Fokusgruppendiskussion"
    paragraphs = [f"{title} – {municipality} (synthetisch)",
                  f"Datum: {rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2024", ""]
    seconds, count = 0, 0
    while count < words:
        seconds += rng.randint(20, 90)
        question = rng.choice(bank.questions)
        paragraphs.append(f"{asker}: {question} {_mark(seconds)}")
        for _ in range(1 if kind == "interview" else rng.randint(1, 3)):
            answer = " ".join(rng.sample(bank.sentences, rng.randint(3, 9)))
            answer += rng.choice(MARKERS)
            seconds += rng.randint(30, 180)
            paragraphs.append(f"{rng.choice(speakers)}: {answer} {_mark(seconds)}")
            count += len(answer.split())
        count += len(question.split())
    path = out / f"{stem}.docx"
    write_transcript_docx(path, paragraphs)
    entries.append({
        "file": path.name, "name": f"{title} {municipality} {stem[-3:]}", "kind": kind,
        "municipality": municipality, "municipality_type": mtype, "bundesland": land,
        "participants": len(labels),
        "speakers": {label: {"role": role, "consent": rng.random() < 0.4}
                     for label, role in labels.items()},
    })
    return path


def _mark(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"#{hours:02d}:{minutes:02d}:{secs:02d}-{seconds % 10}#"
