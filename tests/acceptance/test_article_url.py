"""``disseminator article add URL`` as an officer runs it: a separate process, a website the
test serves, Indonesian messages; the page changed is a new revision, scheduled posts follow
it; a refused page is one Indonesian line.  (Three processes, each loading extruct and
trafilatura: about 3 s each on a loaded machine.)"""

from __future__ import annotations

from pathlib import Path

from tests.helpers import run_cli, run_proc, write_config
from tests.website import page, serve_site

ID = {"DISSEMINATOR_LANGUAGE": "id"}


def test_article_add_url_in_a_process(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path, sandbox_url=sandbox.url, database=f"sqlite:///{tmp_path / 'd.db'}")
    inside = ["--config", str(config)]  # the steps around the ones under test run in this process (faster)
    assert run_cli([*inside, "init"]).code == 0
    with serve_site() as site:
        url = site.at("/berita/bendungan")
        added = run_proc(["article", "add", url], cwd=tmp_path, env=ID)
        assert added.code == 0, added.err
        assert added.out == "Artikel 1 ditambahkan: Presiden Resmikan Bendungan Sukamaju\n"
        assert run_cli([*inside, "schedule", "1", "--account", "sandbox_fb", "--at", "besok 09:00"]).code == 0

        site.pages["/berita/bendungan"] = page("wordpress.html")
        site.pages["/berita/bendungan"].body = site.pages["/berita/bendungan"].body.replace(
            b"5.000 hektare sawah di tiga kecamatan.\">", b"5.200 hektare sawah di empat kecamatan.\">")
        revised = run_proc(["article", "add", url, "--json"], cwd=tmp_path)
        assert revised.code == 0, revised.err
        (result,) = revised.json()
        assert result["revision"]["revision"] == 2 and result["revision"]["changed"] == ["summary"]
        assert result["revision"]["updated_posts"] == [1]  # the queued post carries the new summary

        refused = run_proc(["article", "add", site.at("/siaran.pdf")], cwd=tmp_path, env=ID)
    assert refused.code == 1 and refused.out == ""
    assert refused.err == (f"galat: {site.at('/siaran.pdf')}: server mengirim application/pdf, "
                           "yang diharapkan halaman web (HTML)\n")
    shown = run_cli([*inside, "article", "show", "1", "--json"]).json()
    assert shown["source"] == url and shown["revision"] == 2 and "5.200 hektare" in shown["summary"]
