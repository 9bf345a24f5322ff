"""Fictional material: the demo corpus's .docx files and study-sized synthetic corpora."""
