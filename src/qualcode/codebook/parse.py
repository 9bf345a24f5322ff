"""Reading and validating a YAML codebook, with a file and line for every problem.

The format is described in ``docs/codebook-format.md``. Validation collects
every problem before giving up, so that one run tells the user all of them.
Anchors, aliases, deep nesting and oversized files are refused before any node is
built (``qualcode.safe_yaml``), so a tiny hostile file cannot expand.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from qualcode import safe_yaml
from qualcode.codebook.spec import CodebookSpec, CodeSpec
from qualcode.errors import CodebookError
from qualcode.i18n import _
from qualcode.limits import MAX_YAML_BYTES, MIB

TOP_FIELDS = {"title", "description", "codes"}
CODE_FIELDS = {"name", "definition", "anchor", "colour", "key", "formerly", "codes"}
COLOUR = re.compile(r"^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
HOTKEY = re.compile(r"^[A-Za-z0-9]$")


def read_codebook(path: str | Path) -> CodebookSpec:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise CodebookError(str(path), [_("{path}: is {size} MB, over the limit of {limit} MB "
                                              "for a codebook")
                                            .format(path=path, size=size // MIB,
                                                    limit=MAX_YAML_BYTES // MIB)])
        raw = path.read_bytes()
    except OSError as exc:
        raise CodebookError(str(path), [_("{path}: cannot be read ({strerror})")
                                        .format(path=path, strerror=exc.strerror)]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodebookError(str(path), [_("{path}: is not UTF-8 text").format(path=path)]) from exc
    return parse_codebook(text, str(path))


def parse_codebook(text: str, source: str = "<codebook>") -> CodebookSpec:
    parser = _Parser(source)
    spec = parser.parse(text)
    if parser.problems or spec is None:
        raise CodebookError(source, parser.problems or [_("{source}: is empty")
                                                        .format(source=source)])
    return spec


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []
        self.hotkeys: dict[str, int] = {}

    def problem(self, node: Node | None, message: str) -> None:
        where = f"{self.source}:{node.start_mark.line + 1}" if node is not None else self.source
        self.problems.append(f"{where}: {message}")

    def parse(self, text: str) -> CodebookSpec | None:
        if len(text) > MAX_YAML_BYTES:
            self.problems.append(_("{source}: is over the limit of {limit} MB for a codebook")
                                 .format(source=self.source, limit=MAX_YAML_BYTES // MIB))
            return None
        try:
            refused = safe_yaml.refusal(text)
            if refused is not None:
                self.problems.append(f"{self.source}:{refused.line}: {refused.reason}")
                return None
            root = safe_yaml.compose(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark is not None else ""
            reason = getattr(exc, "problem", None) or str(exc)
            self.problems.append(_("{source}{line}: is not valid YAML ({reason})")
                                 .format(source=self.source, line=line, reason=reason))
            return None
        if root is None:
            return None
        if not isinstance(root, MappingNode):
            self.problem(root, _("a codebook must be a mapping with a 'codes' list"))
            return None
        fields = self.mapping(root, TOP_FIELDS, _("the codebook"))
        codes_node = fields.get("codes")
        if codes_node is None:
            self.problem(root, _("the codebook has no 'codes' list"))
            return None
        codes = self.code_list(codes_node)
        return CodebookSpec(self.text(fields.get("title")), self.text(fields.get("description")),
                            codes)

    def mapping(self, node: MappingNode, allowed: set[str], what: str) -> dict[str, Node]:
        fields: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.problem(key_node, _("unknown field {key!r} in {what} (known fields: {known})")
                                       .format(key=key, what=what, known=known))
            elif key in fields:
                self.problem(key_node, _("field {key!r} appears twice in {what}")
                                       .format(key=key, what=what))
            else:
                fields[key] = value_node
        return fields

    def code_list(self, node: Node) -> list[CodeSpec]:
        if isinstance(node, ScalarNode) and node.value in ("", "~", "null"):
            return []
        if not isinstance(node, SequenceNode):
            self.problem(node, _("'codes' must be a list of codes"))
            return []
        codes = [c for c in (self.code(item) for item in node.value) if c is not None]
        seen: dict[str, int] = {}
        for code in codes:
            if code.name in seen:
                self.problems.append(
                    _("{source}:{line}: duplicate code name {name!r} under one parent (first on "
                      "line {first})")
                    .format(source=self.source, line=code.line, name=code.name,
                            first=seen[code.name])
                )
            else:
                seen[code.name] = code.line
        return codes

    def code(self, node: Node) -> CodeSpec | None:
        if not isinstance(node, MappingNode):
            self.problem(node, _("each code must be a mapping with at least a 'name'"))
            return None
        line = node.start_mark.line + 1
        fields = self.mapping(node, CODE_FIELDS, _("a code"))
        name = (self.text(fields.get("name")) or "").strip()
        if not name:
            self.problem(fields.get("name", node), _("a code has an empty or missing name"))
        elif "/" in name:
            self.problem(fields["name"], _("the code name {name!r} contains '/', which "
                                           "separates code paths").format(name=name))
        spec = CodeSpec(
            name=name,
            line=line,
            definition=self.text(fields.get("definition")),
            anchor=self.text(fields.get("anchor")),
            colour=self.colour(fields.get("colour")),
            key=self.key(fields.get("key"), name),
            formerly=self.text_list(fields.get("formerly")),
        )
        if "codes" in fields:
            spec.children = self.code_list(fields["codes"])
        return spec

    def text(self, node: Node | None) -> str | None:
        if node is None:
            return None
        if not isinstance(node, ScalarNode):
            self.problem(node, _("expected a text value here"))
            return None
        value = node.value.strip()
        if "\x00" in value or (not value.isascii() and not _utf8(value)):
            self.problem(node, _("an escaped NUL (\\0) or lone surrogate (\\uD800 to \\uDFFF) is "
                                 "not text"))
            return None
        return value or None

    def text_list(self, node: Node | None) -> list[str]:
        if node is None:
            return []
        if isinstance(node, ScalarNode):
            value = self.text(node)
            return [value] if value else []
        if isinstance(node, SequenceNode):
            return [v for v in (self.text(item) for item in node.value) if v]
        self.problem(node, _("'formerly' must be a name or a list of names"))
        return []

    def colour(self, node: Node | None) -> str | None:
        value = self.text(node)
        if value is None:
            return None
        if not COLOUR.match(value):
            self.problem(node, _("bad colour {value!r}: use #RRGGBB, for example '#1F77B4'")
                               .format(value=value))
            return None
        if len(value) == 4:
            value = "#" + "".join(ch * 2 for ch in value[1:])
        return value.upper()

    def key(self, node: Node | None, name: str) -> str | None:
        value = self.text(node)
        if value is None:
            return None
        if not HOTKEY.match(value):
            self.problem(node, _("bad key {value!r} for code {name!r}: one letter or digit")
                               .format(value=value, name=name))
            return None
        assert node is not None
        line = node.start_mark.line + 1
        if value in self.hotkeys:
            self.problem(node, _("key {value!r} is used twice (first on line {first})")
                               .format(value=value, first=self.hotkeys[value]))
            return None
        self.hotkeys[value] = line
        return value


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
