"""Transcripts: reading files, splitting speaker turns and sentences, lemmas, manifests."""
