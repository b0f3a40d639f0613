"""The message catalogs: every message an officer can read has an Indonesian and an English
translation, translations keep their placeholders, the committed ``.mo`` files are the
``.po`` files compiled, and the code writes messages so they can be found and translated.
"""

from __future__ import annotations

import ast
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import REPO

sys.path.insert(0, str(REPO / "tools"))
catalogs = pytest.importorskip("catalogs", reason="tools/catalogs.py needs Babel (the test extras)")
from babel.messages.pofile import read_po  # noqa: E402 - Babel is there once catalogs imported

FIELD = re.compile(r"(?<!\{)\{(\w*)[^{}]*\}(?!\})|%\((\w+)\)s")


@pytest.fixture(scope="module")
def found() -> dict[object, list[str]]:
    return catalogs.extract()


def _fields(text: str) -> set[str]:
    return {m.group(1) if m.group(1) is not None else m.group(2) for m in FIELD.finditer(text)}


def _entries(language: str) -> dict[str, object]:
    catalog = catalogs.read(language)
    return {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_message_has_a_translation(found: dict[object, list[str]], language: str) -> None:
    entries = _entries(language)
    lacking = []
    for message, files in found.items():
        key = message if isinstance(message, str) else message[0]  # type: ignore[index]
        entry = entries.get(key)
        strings = [] if entry is None else ([entry.string] if isinstance(entry.string, str) else list(entry.string))  # type: ignore[attr-defined]
        if entry is None or entry.fuzzy or not all(strings):  # type: ignore[attr-defined]
            lacking.append(f"{key!r} ({', '.join(files)})")
    assert not lacking, f"{len(lacking)} messages without a {language} translation " \
                        f"(add them, then run python tools/catalogs.py):\n" + "\n".join(lacking[:40])


def test_no_stale_message_is_kept(found: dict[object, list[str]]) -> None:
    """A message no longer in the code is dropped by tools/catalogs.py, not left behind."""
    keys = {m if isinstance(m, str) else m[0] for m in found}  # type: ignore[index]
    assert set(_entries("id")) - keys == set()


def test_translations_keep_their_placeholders() -> None:
    wrong = []
    for key, entry in _entries("id").items():
        ids = [entry.id] if isinstance(entry.id, str) else list(entry.id)  # type: ignore[attr-defined]
        strings = [entry.string] if isinstance(entry.string, str) else list(entry.string)  # type: ignore[attr-defined]
        allowed = set().union(*(_fields(i) for i in ids))
        for text in strings:
            # Every placeholder of the translation is one the code fills; a single message
            # keeps all of its own (a plural's one Indonesian form may drop a count).
            if not _fields(text) <= allowed or (len(ids) == 1 and _fields(text) != allowed):
                wrong.append(f"{key!r} -> {text!r}")
    assert not wrong, "translations whose placeholders differ:\n" + "\n".join(wrong)


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_committed_mo_is_the_po_compiled(language: str) -> None:
    po = catalogs.po_path(language)
    with po.open("rb") as f:
        compiled = catalogs.mo_bytes(read_po(f, locale=language, domain=catalogs.DOMAIN))
    assert po.with_suffix(".mo").read_bytes() == compiled, "run python tools/catalogs.py"


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_po_is_as_the_tool_writes_it(found: dict[object, list[str]], language: str) -> None:
    """Hand edits are fine, as long as the tool would write the same file (sorted, every
    message of the code, nothing else): then a diff of the catalog is a diff of messages."""
    po = catalogs.po_path(language)
    catalog, _missing = catalogs.build(found, language, catalogs.read(language), {})
    assert po.read_bytes() == catalogs.po_bytes(catalog), "run python tools/catalogs.py"


def _sources() -> Iterator[Path]:
    for package in ("disseminator", "channels"):
        yield from sorted((REPO / package).rglob("*.py"))


def _imports_underscore(tree: ast.Module) -> bool:
    return any(isinstance(node, ast.ImportFrom) and node.module and node.module.endswith("i18n")
               and any(alias.name == "_" for alias in node.names) for node in ast.walk(tree))


def _binds_underscore(tree: ast.Module) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, (ast.Store, ast.Del)):
            lines.append(node.lineno)
        elif isinstance(node, ast.arg) and node.arg == "_":
            lines.append(node.lineno)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == "_":
            lines.append(node.lineno)
    return lines


def test_underscore_means_translate_wherever_it_is_imported() -> None:
    """A throwaway variable named ``_`` would shadow the translation function."""
    bad = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if _imports_underscore(tree):
            bad += [f"{path.relative_to(REPO)}:{line}" for line in _binds_underscore(tree)]
    assert not bad, "'_' bound where it is the translation function: " + ", ".join(bad)


def test_messages_are_literals_the_catalog_can_find() -> None:
    """``_(f"...")`` or ``_("a" + b)`` would never match a catalog entry."""
    bad = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_", "ngettext"):
                literal_args = node.args[:2] if node.func.id == "ngettext" else node.args[:1]
                for arg in literal_args:
                    if node.func.id == "_" and isinstance(arg, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)):
                        continue  # an N_-marked constant, translated where it is shown
                    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                        bad.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not bad, "messages that are not string literals: " + ", ".join(bad)


def test_the_checks_above_can_fail() -> None:
    tree = ast.parse("from channels.i18n import _\nfor _ in range(2):\n    pass\n")
    assert _imports_underscore(tree) and _binds_underscore(tree) == [2]
    assert _fields("{n} posts at {when:%H}") == {"n", "when"} and _fields("%(prog)s {{x}}") == {"prog"}
    stream = io.BytesIO(b'msgid "a {x}"\nmsgstr "b"\n')
    entry = next(m for m in read_po(stream) if m.id)
    assert _fields(entry.id) != _fields(entry.string)
