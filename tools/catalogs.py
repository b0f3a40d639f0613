"""Keep the translation catalogs (``channels/locale``) in step with the code.

    python tools/catalogs.py              # extract, merge into both .po, compile the .mo
    python tools/catalogs.py --check      # only report: exit 1 when anything is missing
    python tools/catalogs.py --add FILE.json   # take translations {msgid: Indonesian}

Messages are extracted with Babel from ``disseminator/`` and ``channels/`` (the keywords
``_``, ``N_`` and ``ngettext``; the web page's Jinja templates too) and from click, whose own words ("Usage:", "Missing
argument") an officer reads too.  The English catalog's translations are its messages;
the Indonesian one keeps what translators wrote, and a message nobody translated yet is
listed (and fails ``tests/unit/test_catalogs.py``).  Needs the test extras (Babel).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "channels" / "locale"
DOMAIN = "disseminator"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
#: A fixed date: the catalogs change only when their messages do.
FIXED = dt.datetime(2026, 11, 29, tzinfo=dt.timezone.utc)
LANGUAGES = ("id", "en")

Message = str | tuple[str, str]


def _extract(root: Path, prefix: str, skip: tuple[str, ...] = ()) -> Iterator[tuple[Message, str]]:
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(root), method_map=[("**.py", "python"), ("**/web/templates/**.html", "jinja2")], keywords=KEYWORDS,
    ):
        if any(part in Path(filename).parts for part in skip):
            continue
        if isinstance(message, tuple):
            message = (message[0], message[1])
        yield message, f"{prefix}/{filename}"


def extract() -> dict[Message, list[str]]:
    """Every message of ours and click's -> the files it is written in."""
    found: dict[Message, list[str]] = {}
    # plugins/: the channel packages of this repository (their messages use our catalog).
    sources = [(ROOT / "disseminator", "disseminator"), (ROOT / "channels", "channels"),
               (ROOT / "plugins", "plugins"), (Path(click.__file__).parent, "click")]
    for root, prefix in sources:
        for message, where in _extract(root, prefix, skip=("__pycache__", "build")):
            if message in ("", ("", "")):
                continue
            files = found.setdefault(message, [])
            if where not in files:
                files.append(where)
    return found


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(language: str) -> Catalog:
    path = po_path(language)
    if not path.is_file():
        return Catalog(locale=language, domain=DOMAIN)
    with path.open("rb") as f:
        return read_po(f, locale=language, domain=DOMAIN)


def _new(language: str) -> Catalog:
    return Catalog(locale=language, domain=DOMAIN, project="Disseminator", version="1",
                   creation_date=FIXED, revision_date=FIXED, language_team=None,
                   last_translator="Disseminator <https://example.invalid/disseminator>",
                   charset="utf-8", fuzzy=False)


def build(found: dict[Message, list[str]], language: str, old: Catalog,
          added: dict[str, str]) -> tuple[Catalog, list[Message]]:
    """The catalog for ``language`` with every message of ``found``; what has no translation."""
    catalog = _new(language)
    missing: list[Message] = []
    for message, files in sorted(found.items(), key=lambda item: _key(item[0])):
        key = message[0] if isinstance(message, tuple) else message
        if language == "en":
            string: str | tuple[str, ...] = message
        else:
            prior = old.get(message if isinstance(message, str) else message[0])
            text = added.get(key)
            if text is None and prior is not None and not prior.fuzzy:
                text = prior.string if isinstance(prior.string, str) else (prior.string[0] if prior.string else "")
            if not text:
                missing.append(message)
                text = ""
            string = (text,) if isinstance(message, tuple) else text
        catalog.add(message, string, locations=[(f, None) for f in sorted(files)])
    return catalog, missing


def _key(message: Message) -> str:
    return message[0] if isinstance(message, tuple) else message


def po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=0, include_lineno=False, omit_header=False, sort_output=True)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report what is missing")
    parser.add_argument("--add", action="append", default=[], metavar="FILE.json",
                        help="translations to take: a JSON object {English message: Indonesian}")
    args = parser.parse_args(argv)
    added: dict[str, str] = {}
    for name in args.add:
        added.update(json.loads(Path(name).read_text(encoding="utf-8")))
    found = extract()
    missing_all: list[Message] = []
    for language in LANGUAGES:
        catalog, missing = build(found, language, read(language), added)
        missing_all += missing
        if args.check:
            continue
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(po_bytes(catalog))
        with path.open("rb") as f:  # compile what is on disk, as the test does
            path.with_suffix(".mo").write_bytes(mo_bytes(read_po(f, locale=language, domain=DOMAIN)))
    print(f"{len(found)} messages; {len(missing_all)} without an Indonesian translation")
    for message in missing_all:
        print(f"  missing: {_key(message)!r}  ({', '.join(found[message])})")
    return 1 if missing_all else 0


if __name__ == "__main__":
    sys.exit(main())
