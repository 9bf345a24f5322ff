"""The search language: words, "exact phrases", prefixes*, AND, OR, NOT and parentheses.

A word matches every inflected form of it (its lemma is searched); a quoted
phrase matches those words in that order as written; ``Netz*`` matches words
that begin with ``netz``. Words next to each other must all occur (AND).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qualcode.errors import InvalidInput
from qualcode.i18n import _

TOKEN = re.compile(r'\s*(?:(?P<phrase>"[^"]*")|(?P<open>\()|(?P<close>\))|(?P<word>[^\s()"]+))')
WORD = re.compile(r"\w+")
OPERATORS = {"AND", "OR", "NOT"}


@dataclass(frozen=True)
class Term:
    """A word; the engine looks its lemma up in the corpus lexicon."""

    word: str


@dataclass(frozen=True)
class Prefix:
    prefix: str


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


Node = Term | Prefix | Phrase | And | Or | Not


def parse_query(text: str) -> Node:
    tokens = _tokens(text)
    if not tokens:
        raise InvalidInput(_("The search query is empty."))
    parser = _Parser(tokens, text)
    node = parser.or_expr()
    if parser.position != len(tokens):
        raise InvalidInput(_("The search query {text!r} has an unmatched ')'.").format(text=text))
    return node


def positive_leaves(node: Node) -> list[Term | Prefix | Phrase]:
    """The leaves that mark hits (those not under a NOT)."""
    if isinstance(node, Term | Prefix | Phrase):
        return [node]
    if isinstance(node, And | Or):
        return [leaf for part in node.parts for leaf in positive_leaves(part)]
    return []


def _tokens(text: str) -> list[tuple[str, str]]:
    found = []
    position = 0
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None:  # white space at the end, or a quote that is never closed
            if text[position:].isspace():
                break
            raise InvalidInput(_("The search query {text!r} has an unclosed '\"'.")
                               .format(text=text))
        position = match.end()
        kind = str(match.lastgroup)  # every match takes one of the four groups
        found.append((kind, match.group(kind)))
    return found


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], text: str) -> None:
        self.tokens = tokens
        self.text = text
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take_operator(self, name: str) -> bool:
        token = self.peek()
        if token == ("word", name):
            self.position += 1
            return True
        return False

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while self.take_operator("OR"):
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self) -> Node:
        parts = [self.not_expr()]
        while (token := self.peek()) is not None and token[0] != "close" and token != (
                "word", "OR"):
            self.take_operator("AND")
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def not_expr(self) -> Node:
        if self.take_operator("NOT"):
            return Not(self.not_expr())
        return self.atom()

    def atom(self) -> Node:
        token = self.peek()
        if token is None:
            raise InvalidInput(_("The search query {text!r} ends where a word was expected.")
                               .format(text=self.text))
        self.position += 1
        kind, value = token
        if kind == "open":
            node = self.or_expr()
            if self.peek() != ("close", ")"):
                raise InvalidInput(_("The search query {text!r} has an unclosed '('.")
                                   .format(text=self.text))
            self.position += 1
            return node
        if kind == "phrase":
            words = tuple(w.lower() for w in WORD.findall(value))
            if not words:
                raise InvalidInput(_("The search query {text!r} has an empty phrase.")
                                   .format(text=self.text))
            return Phrase(words)
        if kind == "word" and value not in OPERATORS:
            return _word(value, self.text)
        raise InvalidInput(_("The search query {text!r} has {value!r} where a word was expected.")
                           .format(text=self.text, value=value))


def _word(value: str, text: str) -> Node:
    if value.endswith("*"):
        stem = "".join(WORD.findall(value[:-1])).lower()
        if len(stem) < 2:
            raise InvalidInput(_("The search query {text!r}: a prefix needs two letters or more.")
                               .format(text=text))
        return Prefix(stem)
    words = WORD.findall(value)
    if not words:
        raise InvalidInput(_("The search query {text!r} has no searchable word in {value!r}.")
                           .format(text=text, value=value))
    if len(words) > 1:  # "Sprach-Kurs" searches like the phrase "sprach kurs"
        return Phrase(tuple(w.lower() for w in words))
    return Term(words[0])
