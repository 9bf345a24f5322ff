"""The demo project: the study's codebook and profile and the fictional demo transcripts.

The files come with the package: a wheel carries them in ``qualcode/_demo`` (pyproject.toml,
``force-include``, as the migrations); a source checkout has them at the top of the repository
(``codebooks/``, ``transcripts/demo/docx``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qualcode.codebook.parse import read_codebook
from qualcode.codebook.sync import load_codebook
from qualcode.progress import Progress
from qualcode.services.importing import import_paths
from qualcode.services.profile import load_profile_file
from qualcode.services.status import status
from qualcode.store import Store

CODEBOOK = "kommunale-resilienz.yaml"
PROFILE = "demo.profile.yaml"  # the study profile with privacy.gate: warn


@dataclass(frozen=True)
class DemoFiles:
    codebook: Path
    profile: Path
    transcripts: Path


@dataclass(frozen=True)
class DemoBuilt:
    codes: int
    documents: int


def demo_files() -> DemoFiles:
    package = Path(__file__).resolve().parents[1]
    packaged = package / "_demo"
    base = packaged if packaged.is_dir() else package.parents[1]
    return DemoFiles(codebook=base / "codebooks" / CODEBOOK, profile=base / "codebooks" / PROFILE,
                     transcripts=base / "transcripts" / "demo" / "docx")


def build_demo(store: Store, progress: Progress | None = None) -> DemoBuilt | None:
    """Load the demo project into a store without codes and documents; ``None`` (and the store
    untouched) when it already holds a project, demo or not."""
    found = status(store)
    if found.codes or found.documents:
        return None
    files = demo_files()
    load_profile_file(store, files.profile)
    load_codebook(store, read_codebook(files.codebook), dry_run=False)
    import_paths(store, [files.transcripts], strict=True, progress=progress)
    built = status(store)
    return DemoBuilt(codes=built.codes, documents=built.documents)
