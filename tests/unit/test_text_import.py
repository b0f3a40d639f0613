"""The text engine imports fast: no network library, no data tables until first use."""

from __future__ import annotations

import subprocess
import sys


def test_import_is_light() -> None:
    code = (
        "import sys, channels.text, channels.thread\n"
        "heavy = {'tweepy', 'facebook', 'PIL', 'apscheduler', 'sqlalchemy', 'twitter_text', 'channels.text.tlds'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
        "channels.text.weighted_length('Lihat setkab.go.id 🇮🇩')\n"
        "print('channels.text.tlds' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "True"  # loaded on first use
