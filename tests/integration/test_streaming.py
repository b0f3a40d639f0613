"""``queue`` and ``history`` print any number of rows in the memory of a few hundred:
``--json``, ``--csv`` and ``--all`` read the rows as they print them (a server-side cursor
on PostgreSQL), with the same bytes as a list printed at once."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from disseminator.cli.output import emit_json, emit_json_rows, tables
from disseminator.config import load_settings
from disseminator.store import Store
from tests.bulk import fill


def _fill(config: Path, n: int, *, start: int = 0) -> None:
    """``n`` posts over the three sandbox accounts, a minute apart, every third published
    with a call recorded."""
    store = Store.open(load_settings(config).database)
    try:
        fill(store, n, when=dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=start), spread=dt.timedelta(minutes=1),
             accounts=["sandbox_x", "sandbox_fb", "sandbox_ig"], published_every=3, tag=f"s{start}")
    finally:
        store.close()


class _Sink(io.TextIOBase):
    """A stdout that keeps only a count and a hash of what is written (a StringIO would
    itself grow with the output and hide what the command holds)."""

    def __init__(self) -> None:
        self.size = 0
        self.digest = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.size += len(text)
        self.digest.update(text.encode("utf-8"))
        return len(text)


def _peak(config: Path, *args: str) -> tuple[int, int]:
    """The command's peak of Python memory (tracemalloc) and how much it printed."""
    from disseminator.cli import main

    sink = _Sink()
    tracemalloc.start()
    try:
        with contextlib.redirect_stdout(sink):  # type: ignore[type-var]
            assert main(["--config", str(config), *args]) == 0
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, sink.size


#: What is measured on each database (PostgreSQL: the server-side cursor).  The text of
#: ``--all`` is drawn a block at a time too (below), but rich under tracemalloc takes minutes.
LISTINGS = {"sqlite": [("history", "--json"), ("history", "--csv"), ("queue", "--json"), ("queue", "--csv")],
            "postgres": [("history", "--json")]}


@pytest.mark.parametrize("args", sorted({a for both in LISTINGS.values() for a in both}))
def test_a_listing_takes_the_same_memory_for_ten_times_the_rows(request: pytest.FixtureRequest, config: Path,
                                                                args: tuple[str, ...]) -> None:
    if args not in LISTINGS[request.node.callspec.params["db_url"]]:
        pytest.skip("measured on the other database")
    _fill(config, 2000)
    _peak(config, *args)  # the first run imports what the command uses: not the listing's memory
    small, small_out = _peak(config, *args)
    _fill(config, 18000, start=2000)
    large, large_out = _peak(config, *args)
    assert large_out > 8 * small_out  # it did print ten times the rows
    # Read all at once, 10x the rows took 10x the memory (70 MB at 20,000 rows).
    assert large < 2 * small, f"{args}: peak {small / 1e6:.1f} MB at 2,000 rows, {large / 1e6:.1f} MB at 20,000"


def test_streamed_output_is_what_the_whole_list_printed(cli: Any, config: Path) -> None:
    """Every shape: the JSON and CSV of a streamed listing are the bytes of the list printed
    at once (a test of emit_json_rows against emit_json below covers the edge cases)."""
    _fill(config, 1200)  # more than a batch and more than a table block
    from disseminator.listings import history, queue

    settings = load_settings(config)
    store = Store.open(settings.database)
    try:
        listed = queue(settings, store, "all").rows
        done = history(settings, store)
    finally:
        store.close()
    assert json.loads(cli("queue", "--status", "all", "--json").out) == listed
    assert json.loads(cli("history", "--json").out) == done
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        emit_json(listed)
    assert cli("queue", "--status", "all", "--json").out == out.getvalue()
    assert len(cli("history", "--csv").out.splitlines()) == len(done) + 1


@pytest.mark.parametrize("rows", [[], [{}], [{"a": 1}], [{"a": [1, [2, {}]], "b": "baris\nbaru \u2028 🇮🇩", "c": None}] * 3,
                                  [{"x": []}, {"y": {"z": "é"}}]])
def test_json_rows_are_the_bytes_of_the_list(rows: list[dict[str, Any]]) -> None:
    whole, streamed = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(whole):
        emit_json(rows)
    with contextlib.redirect_stdout(streamed):
        emit_json_rows(iter(rows))
    assert streamed.getvalue() == whole.getvalue()


def test_a_long_table_keeps_its_columns_across_blocks() -> None:
    """Blocks after the first are drawn in the first block's columns, with one header;
    ``least`` widens a column for a later, wider cell."""
    rows = [(i, "akun" if i < 5 else "akun_yang_panjang", f"Sen 30 Nov 09.{i:02d} WIB", f"Judul {i} " * (i % 4),
             "menunggu giliran " * (i % 3)) for i in range(1, 14)]
    headers = ["ID", "AKUN", "WAKTU", "ARTIKEL", "BERIKUTNYA"]
    blocks = list(tables(rows, headers, wrap=("WAKTU", "BERIKUTNYA"), cut=("ARTIKEL",), columns=80, chunk=4,
                         least=lambda: {"ID": 2, "AKUN": len("akun_yang_panjang")}))
    assert len(blocks) == 4  # 4 + 4 + 4 + 1 rows
    text = "\n".join(blocks)
    head = text.splitlines()[0]
    starts = [head.index(h) for h in headers]
    assert sum(line.startswith("ID") for line in text.splitlines()) == 1
    firsts = [line for line in text.splitlines() if line[:1].isdigit()]
    assert [int(line.split()[0]) for line in firsts] == list(range(1, 14))
    for line in firsts:
        assert line[starts[1]:].startswith("akun") and line[starts[1] - 1] == " ", line
        assert line[starts[2]:].startswith("Sen 30 Nov"), line
    assert "\n".join(tables(rows[:4], headers, columns=80, chunk=4)) == "\n".join(tables(rows[:4], headers, columns=80))
    assert list(tables([], headers)) == []
