"""The project's profile in its store: loaded once per unit of work, the study's by default."""

from __future__ import annotations

from sqlalchemy.orm import Session

from qualcode.models import AuditEntry, ProjectSetting, utcnow
from qualcode.profile.parse import profile_from_json, profile_to_json
from qualcode.profile.spec import STUDY, Profile
from qualcode.store import audit

KEY = "profile"


def profile_in(session: Session) -> Profile:
    """The stored profile, or the study's default when the project has none."""
    row = session.get(ProjectSetting, KEY)
    return profile_from_json(row.value) if row is not None else STUDY


def store_profile(session: Session, profile: Profile, *, actor: str) -> bool:
    """Keep ``profile`` as the project's; False when it was the stored one already."""
    value = profile_to_json(profile)
    row = session.get(ProjectSetting, KEY)
    if row is not None and row.value == value:
        return False
    before = row.value if row is not None else None
    if row is None:
        row = ProjectSetting(key=KEY, value=value, updated_at=utcnow())
        session.add(row)
    else:
        row.value, row.updated_at = value, utcnow()
    session.flush()
    session.add(AuditEntry(actor=actor, action="profile", entity="project_settings",
                           entity_id=None, batch=audit.new_batch(), before=before, after=value))
    return True
