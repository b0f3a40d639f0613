"""The translation layer: which language a process speaks, and how messages are looked up."""

from __future__ import annotations


import pytest

from channels import i18n




@pytest.mark.parametrize(("configured", "environ", "expected"), [
    (None, {}, "en"),
    (None, {"LANG": "id_ID.UTF-8"}, "id"),
    (None, {"LANG": "id"}, "id"),
    (None, {"LANG": "en_US.UTF-8"}, "en"),
    (None, {"LANG": "C.UTF-8"}, "en"),
    (None, {"LANG": "en_US.UTF-8", "LC_MESSAGES": "id_ID.UTF-8"}, "id"),
    (None, {"LC_ALL": "en_GB.UTF-8", "LANG": "id_ID.UTF-8"}, "en"),
    ("id", {"LANG": "en_US.UTF-8"}, "id"),                     # the configuration first
    ("en", {"LANG": "id_ID.UTF-8"}, "en"),
    ("en", {"DISSEMINATOR_LANGUAGE": "id"}, "id"),             # the environment's override first
    ("jawa", {"LANG": "id_ID.UTF-8"}, "id"),                   # not a language: the config check says so
])
def test_the_language_is_chosen_in_order(configured: str | None, environ: dict[str, str], expected: str) -> None:
    assert i18n.choose(configured, environ) == expected


def test_messages_follow_the_language(indonesian: None) -> None:
    assert i18n._("Usage:") == "Cara pakai:"
    assert i18n.current() == "id"
    i18n.use("en")
    assert i18n._("Usage:") == "Usage:" and i18n.current() == "en"
    assert i18n._("a message nobody wrote") == "a message nobody wrote"


def test_click_speaks_the_same_language(indonesian: None) -> None:
    import click

    @click.command()
    @click.argument("name")
    def hello(name: str) -> None:
        pass

    with pytest.raises(click.UsageError) as caught:
        hello.main(args=[], standalone_mode=False)
    assert "Argumen belum diberikan" in caught.value.format_message()
    assert "Tampilkan pesan ini lalu keluar." in hello.get_help(click.Context(hello))


def test_an_unknown_language_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="klingon"):
        i18n.use("klingon")


def test_a_stored_english_message_is_shown_translated(indonesian: None) -> None:
    # A message with placeholders, kept in English, is found with its values.
    assert i18n.stored("Error: disk full") == "Galat: disk full"
    assert i18n.stored("No such option '--bogus'.") == "Tidak ada opsi '--bogus'."
    assert i18n.stored("Usage:; Aborted!") == "Cara pakai:; Dibatalkan!"
    assert i18n.stored("Status is a duplicate.") == "Status is a duplicate."  # a network's own words
    i18n.use("en")
    assert i18n.stored("Error: disk full") == "Error: disk full"
