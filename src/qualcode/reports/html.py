"""One self-contained HTML file: inline styles and SVG, no scripts, nothing from the network.

It prints to PDF from a browser (@media print) and reads on a phone (viewport, tables that
scroll sideways inside their own box).
"""

from __future__ import annotations

import re
from html import escape

from qualcode.reports.blocks import Figure, Heading, Paragraph, Report, Table

STYLE = """
body { font-family: Georgia, "Times New Roman", serif; line-height: 1.45; margin: 0 auto;
       max-width: 60rem; padding: 1rem; color: #111; background: #fff; }
h1, h2, h3 { font-family: Helvetica, Arial, sans-serif; line-height: 1.2; }
.table { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border: 1px solid #999; padding: 0.25rem 0.5rem; text-align: left;
         vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; font-style: italic; padding: 0.25rem 0; }
tr.good td { background: #e8e8e8; }
tr.poor td { font-style: italic; }
tr.poor td:first-child::before { content: "\\2717\\00a0"; }
tr.tentative td:first-child::before { content: "?\\00a0"; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-style: italic; font-size: 0.9rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h1, h2, h3 { break-after: avoid; }
  table, figure, tr { break-inside: avoid; }
  .table { overflow: visible; }
}
"""  # not translated: CSS
# figures are right-aligned: "0,812", "[0,70; 0,85]" after a figure, "56 (100 %)", "–"
NUMBER = re.compile(r"^[−–\-]?\d[\d.,]*(?:\s*(?:\[.*\]|\(.*\)))?$|^–$")


def render_html(report: Report) -> str:
    body = "\n".join(_block(block) for block in report.blocks)
    return (f'<!DOCTYPE html>\n<html lang="{escape(report.language)}">\n<head>\n'
            '<meta charset="utf-8">\n'  # not translated: HTML
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(report.title)}</title>\n<style>{STYLE}</style>\n</head>\n"
            f"<body>\n<h1>{escape(report.title)}</h1>\n{body}\n</body>\n</html>\n")


def _block(block: Heading | Paragraph | Table | Figure) -> str:
    if isinstance(block, Heading):
        level = min(block.level + 1, 6)  # the title is the one h1
        return f"<h{level}>{escape(block.text)}</h{level}>"
    if isinstance(block, Paragraph):
        label = f"<strong>{escape(block.label)}</strong> " if block.label else ""
        return f"<p>{label}{escape(block.text)}</p>"
    if isinstance(block, Table):
        return _table(block)
    return (f"<figure>{_inline_svg(block.drawing.svg)}"
            f"<figcaption>{escape(block.caption)}</figcaption></figure>")


def _table(table: Table) -> str:
    caption = f"<caption>{escape(table.caption)}</caption>" if table.caption else ""
    head = "".join(f'<th scope="col">{escape(c)}</th>'  # not translated: HTML
                   for c in table.columns)
    rows = []
    for n, row in enumerate(table.rows):
        band = table.bands[n] if n < len(table.bands) else ""
        css = f' class="{band}"' if band else ""
        cells = "".join(f'<td class="n">{escape(v)}</td>'  # not translated: HTML
                        if NUMBER.match(v) and i
                        else f"<td>{escape(v)}</td>"  # not translated: HTML
                        for i, v in enumerate(row))
        rows.append(f"<tr{css}>{cells}</tr>")
    return (f'<div class="table"><table>{caption}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")  # not translated: HTML


def _inline_svg(svg: str) -> str:
    """matplotlib's SVG without its XML prolog and DOCTYPE (not allowed inside HTML)."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else ""
