"""Template limits: a template cannot run long, write giant text or build giant values.

Each case renders in a child process with 2 GB of address space and a 60 s timeout, so
a limit that does not hold fails the test (a MemoryError, a timeout) instead of taking
the machine down.  Every refusal is one TemplateProblem naming the file and the line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from channels import template_limits as limits
from channels.templates import TemplateProblem, render_template

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from channels.templates import TemplateProblem, render_template
source, variables = json.loads(sys.stdin.read())
with open("limit.j2", "w", encoding="utf-8") as f:
    f.write(source)
start = time.monotonic()
try:
    render_template("twitter", variables, override="limit.j2")
    message = None
except TemplateProblem as exc:
    message = str(exc)
# VmHWM: this process's own peak (ru_maxrss would count the parent's size before exec)
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"message": message, "seconds": time.monotonic() - start, "peak_mb": peak_kb / 1024}))
"""

BODY = "x" * 20_000
TOO_SLOW = f"stopped after {limits.MAX_SECONDS:g} s: a template must render within {limits.MAX_SECONDS:g} s"
TOO_LONG = f"the text is longer than {limits.MAX_OUTPUT:,} characters"


def render_in_child(tmp_path: Path, source: str, **variables: Any) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD], input=json.dumps([source, {"title": "Judul", **variables}]),
        cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("source", "variables", "message"),
    [
        pytest.param("{{ title }}\n{% for a in range(10000) %}{% for b in range(10000) %}{{ '' }}{% endfor %}{% endfor %}",
                     {}, f"line 2: {TOO_SLOW}", id="nested-range-loops"),
        pytest.param("{{ title }}\n{% for a in body %}{% for b in body %}{% for c in body %}{% endfor %}{% endfor %}{% endfor %}",
                     {"body": BODY}, f"line 2: {TOO_SLOW}", id="loops-over-text-that-print-nothing"),
        pytest.param("{{ title }}\n{{ 'A' * 3000000000 }}", {},
                     "line 2: '*' would make a value of 3,000,000,000 characters or items (at most 10,000,000)",
                     id="string-times-3e9"),
        pytest.param("{{ title }}\n\n{{ 10 ** 100000 }}", {},
                     "line 3: '**' would make a number of about 100,001 digits (at most 4,000)", id="ten-to-the-100000"),
        pytest.param("{% set ns = namespace(n=2) %}{{ title }}\n{% for i in range(30) %}{% set ns.n = ns.n * ns.n %}{% endfor %}", {},
                     "line 2: '*' would make a number of about 4,934 digits (at most 4,000)", id="repeated-squaring"),
        pytest.param("{{ title.center(3000000000) }}", {},
                     "line 1: center() width of 3,000,000,000 is too wide (at most 1,000)", id="str-center"),
        pytest.param("{{ '{:>3000000000}'.format(title) }}", {},
                     "line 1: a format width of 3,000,000,000 is too wide (at most 1,000)", id="str-format-width"),
        pytest.param("{{ '%3000000000s' % title }}", {},
                     "line 1: a format width of 3,000,000,000 is too wide (at most 1,000)", id="percent-width"),
        pytest.param("{{ title }}\n{{ body | replace('', body) }}", {"body": BODY},
                     "line 2: replace would make a value of 400,040,000 characters or items (at most 10,000,000)",
                     id="replace-filter"),
        pytest.param("{{ body.join(body) }}", {"body": BODY},
                     "line 1: join() would make a value of 400,000,000 characters or items (at most 10,000,000)",
                     id="str-join"),
        pytest.param("{% set ns = namespace(t=title) %}\n{% for i in range(60) %}{% set ns.t = ns.t ~ ns.t %}{% endfor %}", {},
                     "line 2: a value of 10,485,760 characters or items is too large (at most 10,000,000)",
                     id="doubling-a-string"),
        pytest.param("{{ title }}\n{% for i in range(10000) %}{% for j in range(10000) %}{{ body }}{% endfor %}{% endfor %}",
                     {"body": BODY}, f"line 2: {TOO_LONG}", id="giant-output"),
        pytest.param("{% set s %}\n{% for i in range(10000) %}{% for j in range(10000) %}{{ body }}{% endfor %}{% endfor %}{% endset %}",
                     {"body": BODY}, f"line 2: {TOO_LONG}", id="giant-set-block"),
        pytest.param("{{ title }}\n{{ range(100000) | length }}", {},
                     "line 2: range() of 100,000 items is too long (at most 10,000)", id="long-range"),
        pytest.param("{{ lipsum(1000000000) }}", {}, "line 1: 'lipsum' is undefined", id="no-lipsum"),
    ],
)
def test_a_template_past_a_limit_is_stopped_and_named(tmp_path: Path, source: str, variables: dict[str, Any],
                                                      message: str) -> None:
    result = render_in_child(tmp_path, source, **variables)
    assert result["message"] == f"template limit.j2, {message}"
    assert result["seconds"] < limits.MAX_SECONDS + 3
    assert result["peak_mb"] < 300  # refused before the value was built, not after


def test_a_number_literal_too_long_to_read_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "angka.j2").write_text("{{ title }}\n\n{{ " + "9" * 5000 + " }}\n")
    with pytest.raises(TemplateProblem, match=r"^template angka\.j2, line 3: ValueError: Exceeds the limit"):
        render_template("twitter", {"title": "Judul"}, override="angka.j2", search_dirs=[tmp_path])


@pytest.mark.parametrize(
    "source",
    [
        "{{ title | center(40) }}|{{ '%-10s|' | format(title) }}{{ '{:>8}'.format(title) }}",
        "{% for i in range(3) %}{{ loop.index }}{{ hashtags | join(' ') }}{% endfor %}",
        "{% macro m(t) %}<{{ t ~ '!' }}>{% endmacro %}{{ m(title) * 2 }}{{ 2 ** 10 }}{{ title | replace('u', 'U') }}",
        "{% set s %}{{ title | wordwrap(3) | indent(2) }}{% endset %}{{ s }}{{ [[1], [2]] | sum(start=[]) }}",
    ],
)
def test_ordinary_templates_are_unchanged(tmp_path: Path, source: str) -> None:
    from jinja2 import Environment, StrictUndefined

    plain = Environment(undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    (tmp_path / "biasa.j2").write_text(source)
    variables = {"title": "Judul", "hashtags": ["#A", "#B"]}
    expected = plain.from_string(source).render(variables).strip()
    assert render_template("twitter", variables, override="biasa.j2", search_dirs=[tmp_path]) == expected
