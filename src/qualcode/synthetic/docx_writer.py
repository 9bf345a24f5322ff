"""Writing a transcript as .docx the way transcription offices do (f4 style).

Speaker labels are bold runs followed by a tab. The file also carries what
real transcripts carry and an import must ignore: a header and footer, a
table of interview data, and a reviewer's comment.
"""

from __future__ import annotations

from pathlib import Path

from qualcode.transcripts.turns import label_regex

LABELS = label_regex(extra_labels=("Moderation",))


def write_transcript_docx(path: Path, paragraphs: list[str], *, comment: str | None = None) -> None:
    from docx import Document

    document = Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "VERTRAULICH – nur für das Forschungsteam"
    section.footer.paragraphs[0].text = "Transkript (fiktives Material)"
    turns_started = False
    for paragraph_text in paragraphs:
        match = LABELS.match(paragraph_text)
        if match and not turns_started:
            turns_started = True
            _data_table(document)
        paragraph = document.add_paragraph()
        if match:
            paragraph.add_run(match.group(0).rstrip()).bold = True
            paragraph.add_run("\t" + paragraph_text[match.end():])
        else:
            paragraph.add_run(paragraph_text)
        if comment and match and turns_started and paragraph_text.startswith("B"):
            document.add_comment(paragraph.runs, text=comment, author="Review", initials="RV")
            comment = None
    document.save(str(path))


def _data_table(document) -> None:  # type: ignore[no-untyped-def]
    table = document.add_table(rows=2, cols=2)
    for row, (key, value) in zip(table.rows, (("Transkriptionsregeln", "f4, vereinfacht"),
                                              ("Anonymisierung", "Namen Dritter ersetzt")),
                                 strict=True):
        row.cells[0].text, row.cells[1].text = key, value
