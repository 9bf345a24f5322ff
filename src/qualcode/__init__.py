"""qualcode: a keyboard-first qualitative coding workbench.

The package is layered: ``models`` and ``store`` at the bottom, the domain
packages (``codebook``, ``services``, …) above them, and the two front ends
(``cli`` and ``tui``) on top. Nothing below the front ends imports textual,
typer or click.
"""

__version__ = "0.1.0"
