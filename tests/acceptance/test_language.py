"""Indonesian and English: an officer's morning in Indonesian shows no English, the
language follows the configuration then the locale, and ``--json``/``--csv`` keep their
English keys.  Run as processes, as an officer runs the command (the help text is
translated when a command is loaded, once per process)."""

from __future__ import annotations

import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from disseminator.cli import COMMANDS
from tests.helpers import CliResult, article_file, run_proc, write_config

#: Words of English an Indonesian message would not have.  Words Indonesian shares ("per") or
#: borrows (media, data, sandbox, token, online) are not in it.
ENGLISH = frozenset("""
    a an the and or but not no nor yes is are was were be been being will would can cannot
    could should must may might shall has have had do does did done this that these those
    with without for from to of in on at by as it its into onto than then when where which
    who whom whose what why how all any each every some more most other only also after
    before again now yet already still one two three first next last here there about
    above below under over between because if else unless until while since via
    queued published failed cancelled scheduled waiting posted posts error errors warning
    warnings usage options option commands command argument arguments missing unknown
    invalid expected found show shows shown list lists add adds run runs check checks
    nothing none something everything given see try use used uses using need needs needed
    file files folder time times day days hour hours minute minutes week today tomorrow
    account accounts article articles post queue history image images text link links
    will won't can't isn't doesn't don't didn't wasn't aren't ok okay please done due
    set sets left right out up down off new old same such like just very too
    must read write written reads writes wrote open opened close closed stop stopped start
    started wait waits retry retries retried cancel edit edited schedule reschedule
""".split())

#: What is not a word of a message: a post's markup (Telegram's HTML), quoted names and
#: phrases, URLs, paths, options, numbers, ids and the names an officer types (commands,
#: accounts, channels, keys).
_NOT_WORDS = re.compile(r"""</?[a-z][^<>]*>|'[^']*'|"[^"]*"|“[^”]*”|‘[^’]*’|`[^`]*`|https?://\S+|\S*[/\\]\S*|(?<!\w)--?[\w-]+|\$\{?\w+\}?|\S*\d\S*|\S*_\S*""")
#: Command and sub-command names, as an officer types them (they stay English).
NAMES = frozenset(COMMANDS) | frozenset(
    "add list show check pause resume upgrade current ahead disseminator sandbox demo init run-due".split())


def english_words(line: str) -> list[str]:
    """The English words in one line of output (quoted and typed names left out)."""
    rest = re.sub(r"[A-Za-z][\w-]*", lambda m: " " if m.group(0).lower() in NAMES else m.group(0), line)
    rest = _NOT_WORDS.sub(" ", rest)
    rest = re.sub(r"\S+…", " ", rest)  # a title cut to fit its column
    words = re.findall(r"[A-Za-z][A-Za-z']*", rest)
    return [w for w in words if w.lower() in ENGLISH and w.lower() not in NAMES and not w.isupper()]


def test_the_detector_finds_english_and_passes_indonesian() -> None:
    assert english_words("error: post 3 is not queued; run 'disseminator queue'") == ["error", "is", "not", "queued", "run"]
    assert english_words("galat: unggahan 3 tidak dalam antrean; jalankan 'disseminator queue'") == []
    assert english_words("Cara pakai: disseminator schedule [OPTIONS] ARTIKEL") == []
    assert english_words("  schedule    Jadwalkan unggahan artikel untuk akun-akunnya.") == []
    assert english_words("Usage: disseminator schedule [OPTIONS] ARTICLE") == ["Usage"]
    assert english_words("  run-due   Terbitkan  Presiden Resmikan Be…") == []
    assert english_words('<b>Judul</b> <a href="https://a.go.id/b">Baca selengkapnya</a>') == []


def _english_lines(result: CliResult) -> list[str]:
    return [f"{line}  <- {english_words(line)}" for line in (result.out + result.err).splitlines()
            if english_words(line)]


def _indonesian(env: dict[str, str] | None = None) -> dict[str, str]:
    return {"DISSEMINATOR_LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8", "COLUMNS": "80", **(env or {})}


@pytest.fixture
def kantor(tmp_path: Path, sandbox: object) -> Path:
    """An office set up by ``init`` (whose starter configuration says ``language = "id"``)."""
    work = tmp_path / "kantor"
    work.mkdir()
    result = run_proc(["init", "--sandbox", sandbox.url], cwd=work, env=_indonesian())  # type: ignore[attr-defined]
    assert result.code == 0, result.err
    assert 'language = "id"' in (work / "disseminator.toml").read_text(encoding="utf-8")
    return work


def test_an_officers_morning_in_indonesian_shows_no_english(kantor: Path, sandbox: object) -> None:
    article = article_file(kantor, title="Presiden Resmikan Bendungan Karian 🎉 di Lebak, Banten",
                           image=f"{sandbox.url}/media/tidak-ada.jpg")  # type: ignore[attr-defined]
    steps = [
        ["article", "add", str(article)], ["article", "list"], ["article", "show", "1"],
        ["preview", "1"], ["schedule", "1", "--at", "besok 09.00"], ["schedule", "1", "--at", "besok 09.00"],
        ["queue"], ["queue", "--week"], ["reschedule", "1", "--at", "2 jam lagi"],
        ["edit", "2", "--text", "Bendungan Karian diresmikan hari ini."], ["cancel", "3"],
        ["retry", "3"], ["accounts", "list"], ["accounts", "pause", "sandbox_fb"], ["accounts", "resume", "sandbox_fb"],
        ["schedule", "1", "--at", "sekarang"], ["run-due"], ["history"], ["post", "1"], ["status"],
        # Mistakes an officer makes, each answered in Indonesian.
        ["schedule", "1", "--at", "kapan-kapan"], ["schedule", "1", "--at", "besok sore"], ["schedul", "1"],
        ["schedule"], ["queue", "--bogus"], ["post", "999"], ["article", "add", "tidak-ada.md"],
        ["accounts", "pause", "sandbox_fbb"], ["queue", "--since", "kemarin lusa dulu"],
    ]
    english = []
    for step in steps:
        result = run_proc(step, cwd=kantor, env=_indonesian())
        english += [f"$ disseminator {' '.join(step)}: {line}" for line in _english_lines(result)]
        assert "Traceback" not in result.err, result.err
    assert not english, "English in the Indonesian run:\n" + "\n".join(english)


def _help_pages() -> list[list[str]]:
    pages = [["--help"]] + [[name, "--help"] for name in COMMANDS]
    pages += [["article", sub, "--help"] for sub in ("add", "list", "show")]
    pages += [["accounts", sub, "--help"] for sub in ("list", "check", "pause", "resume")]
    pages += [["db", sub, "--help"] for sub in ("upgrade", "current")]
    return pages


def test_every_help_page_in_indonesian_shows_no_english(tmp_path: Path) -> None:
    env = _indonesian({"LANG": "id_ID.UTF-8"})  # no configuration: the locale decides
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda page: (page, run_proc(page, cwd=tmp_path, env=env)), _help_pages()))
    english = []
    for page, result in results:
        assert result.code == 0, (page, result.err)
        english += [f"$ disseminator {' '.join(page)}: {line}" for line in _english_lines(result)]
    assert not english, "English in the Indonesian help:\n" + "\n".join(english)


def test_the_language_follows_the_configuration_then_the_locale(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    cases = [
        (plain, {"LANG": "id_ID.UTF-8"}, "Cara pakai"),       # the locale, no configuration
        (plain, {"LANG": "en_US.UTF-8"}, "Usage"),
        (plain, {"LANG": "C", "LC_ALL": "id_ID.UTF-8"}, "Cara pakai"),  # LC_ALL before LANG
    ]
    for language, expect in (("en", "Usage"), ("id", "Cara pakai")):
        folder = tmp_path / language
        folder.mkdir()
        path = write_config(folder, sandbox_url=None, database=f"sqlite:///{folder / 'd.db'}")
        path.write_text(path.read_text(encoding="utf-8").replace('language = "id"', f'language = "{language}"'),
                        encoding="utf-8")
        # The configuration wins over a locale saying the other language.
        cases.append((folder, {"LANG": "id_ID.UTF-8" if language == "en" else "en_US.UTF-8"}, expect))
    for cwd, env, expect in cases:
        result = run_proc(["--help"], cwd=cwd, env=_indonesian(env))
        assert result.code == 0 and expect in result.out, (env, result.out[:200])


def test_an_unknown_language_in_the_configuration_is_refused_with_the_choices(tmp_path: Path) -> None:
    (tmp_path / "disseminator.toml").write_text('language = "jawa"\n', encoding="utf-8")
    result = run_proc(["queue"], cwd=tmp_path, env=_indonesian())
    assert result.code == 2
    assert "disseminator.toml:1" in result.err and '"id"' in result.err and '"en"' in result.err, result.err


def test_json_and_csv_keys_stay_english(kantor: Path) -> None:
    article = article_file(kantor)
    assert run_proc(["article", "add", str(article)], cwd=kantor, env=_indonesian()).code == 0
    at = ["schedule", "1", "--at", "besok 09.00", "--account", "sandbox_x", "--account", "sandbox_fb"]
    assert run_proc(at, cwd=kantor, env=_indonesian()).code == 0
    outputs = {}
    for language in ("id", "en"):
        env = _indonesian({"DISSEMINATOR_LANGUAGE": language})
        queued = run_proc(["queue", "--json"], cwd=kantor, env=env)
        csv_head = run_proc(["queue", "--csv"], cwd=kantor, env=env).out.splitlines()[0]
        preview = run_proc(["preview", "1", "--json"], cwd=kantor, env=env)
        outputs[language] = (sorted(json.loads(queued.out)[0]), csv_head, sorted(json.loads(preview.out)[0]))
    assert outputs["id"] == outputs["en"]
    assert "account" in outputs["id"][0] and outputs["id"][1].startswith("id,")


def test_the_english_run_is_english(kantor: Path) -> None:
    env = _indonesian({"DISSEMINATOR_LANGUAGE": "en"})
    result = run_proc(["schedule", "1", "--at", "besok 09.00"], cwd=kantor, env=env)
    assert result.code != 0 and result.err.startswith("error: "), result.err
    indonesian = run_proc(["schedule", "1", "--at", "besok 09.00"], cwd=kantor, env=_indonesian())
    assert indonesian.code == result.code and not indonesian.err.startswith("error: "), indonesian.err
    assert os.environ.get("DISSEMINATOR_LANGUAGE") == "en"  # the rest of the suite stays English
