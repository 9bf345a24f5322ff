"""The project profile: which document variables a study has, how quotes are attributed,
the export language and the privacy gate's settings (see docs/profile.md)."""
