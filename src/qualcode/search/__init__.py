"""Lemma-aware full-text search over speaker turns, and autocoding from its hits."""
