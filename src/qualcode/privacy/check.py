"""Running every detector over parts of text, leaving out passages marked "not identifying"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from qualcode.privacy.findings import Finding, Part, finding
from qualcode.privacy.identifiers import identifiers
from qualcode.privacy.names import NameFinder


@dataclass
class Checker:
    names: NameFinder
    # (document, passage hash) marked "not identifying"; document "" counts everywhere
    quiet: set[tuple[str, str]] = field(default_factory=set)

    def check(self, parts: Iterable[Part]) -> list[Finding]:
        found: list[Finding] = []
        for part in parts:
            if part.text:
                found += self.check_part(part)
        return found

    def check_part(self, part: Part) -> list[Finding]:
        hits = list(self.names.names(part.text))
        taken = [(s, e) for _, s, e, _ in hits]
        hits += [h for h in identifiers(part.text)
                 if not any(h[1] < e and s < h[2] for s, e in taken)]
        hits.sort(key=lambda h: h[1])
        return [f for kind, start, end, suggestion in hits
                if not self.is_quiet(f := finding(kind, part, start, end, suggestion))]

    def is_quiet(self, found: Finding) -> bool:
        return bool({(found.document, found.passage), ("", found.passage)} & self.quiet)
