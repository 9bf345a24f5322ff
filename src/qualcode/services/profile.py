"""The project profile as a use case: read it from the store, load a profile file into it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qualcode.profile.parse import read_profile
from qualcode.profile.spec import Profile
from qualcode.profile.stored import profile_in, store_profile
from qualcode.store import Store

SUFFIX = ".profile.yaml"


@dataclass(frozen=True)
class ProfileLoaded:
    path: str
    study: str
    changed: bool


def project_profile(store: Store) -> Profile:
    with store.read() as session:
        return profile_in(session)


def load_profile_file(store: Store, path: Path, *, actor: str = "system") -> ProfileLoaded:
    """Check the file whole, then keep it as the project's profile (one transaction)."""
    profile = read_profile(path)
    with store.write() as session:
        changed = store_profile(session, profile, actor=actor)
    return ProfileLoaded(str(path), profile.study, changed)


def profile_beside(codebook: Path) -> Path | None:
    """``study.profile.yaml`` next to ``study.yaml``, when it exists."""
    candidate = codebook.with_name(codebook.stem + SUFFIX)
    return candidate if candidate.is_file() else None
