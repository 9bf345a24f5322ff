"""YAML written by hand (codebooks, manifests), checked before any node is built.

A hand-written file needs neither anchors nor aliases, and they are how a tiny file becomes
an exponentially large or cyclic structure ("billion laughs"). They are refused, like nesting
deeper than a limit, from the parser's event stream, so nothing is ever expanded. The limits
are in ``qualcode.limits`` and documented in ``docs/codebook-format.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent

from qualcode.i18n import _
from qualcode.limits import MAX_YAML_DEPTH

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Refusal:
    line: int  # 1-based
    reason: str
    kind: str = "alias"  # "alias" (an anchor or alias) or "depth"


def refusal(text: str, *, max_depth: int = MAX_YAML_DEPTH) -> Refusal | None:
    """The first reason to refuse ``text``, or None; a syntax error raises ``yaml.YAMLError``."""
    depth = 0
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
            return Refusal(_line(event), _("uses a YAML anchor or alias (& or *), which is not "
                                           "allowed here; write the value out"))
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > max_depth:
                return Refusal(_line(event), _("nests lists and mappings deeper than the limit of "
                                               "{max_depth} levels")
                                             .format(max_depth=max_depth), "depth")
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    return None


def _line(event: yaml.Event) -> int:
    mark = event.start_mark
    return mark.line + 1 if mark is not None else 1


def compose(text: str) -> yaml.Node | None:
    """The node tree of checked text (see ``refusal``)."""
    return yaml.compose(text, Loader=LOADER)


def load(text: str) -> object:
    """The plain values of checked text (see ``refusal``)."""
    return yaml.load(text, Loader=LOADER)
