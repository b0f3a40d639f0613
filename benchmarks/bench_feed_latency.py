"""Dissemination latency from a feed: an entry appears on the institution's feed, and its
posts are accepted by the sandbox's X, Facebook and Instagram.

A daemon (the library's :class:`Daemon`, as ``disseminator daemon`` runs it) follows a
local WordPress-like feed with ``--every 30s``; at a random moment of the poll cycle a new
entry (with an image, for Instagram) is published, and the time until all three networks
have accepted its post is measured with ``time.monotonic``.  Then the same with WebSub: the
feed advertises a hub (tests/websub_hub.py, a local hub), the daemon subscribes through its
callback (``[feeds] callback_url``), the feed is polled only hourly, and each new entry is
pushed by the hub the moment it appears (as a WordPress WebSub plugin pings its hub on
publish).  Printed beside an hourly-poll baseline computed from the poll run's publish time
(an hourly feed bot waits 30 minutes on average, up to 60, for its next read; running it
would take hours).

    python benchmarks/bench_feed_latency.py [--samples 3] [--every 30s] [--no-push]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from disseminator.cli import main as cli_main  # noqa: E402
from disseminator.sandbox import SandboxOptions, start_sandbox  # noqa: E402
from disseminator.starter import starter_config  # noqa: E402
from tests.feed_server import Item, feed_server, rss  # noqa: E402


def run(samples: int, every: str, *, push: bool = False) -> tuple[list[float], list[float]]:
    """Latencies (appeared -> accepted by all three) and their part after the read; with
    ``push``, the feed is polled hourly and a WebSub hub pushes each entry."""
    import contextlib
    import os
    import socket

    from tests.websub_hub import websub_hub

    import datetime as dt

    from disseminator.config import load_settings
    from disseminator.daemon import Daemon
    from disseminator.durations import parse_duration
    from disseminator.store import Store

    period = (parse_duration(every) or dt.timedelta(seconds=30)).total_seconds()
    folder = Path(tempfile.mkdtemp(prefix="bench-feed-"))
    media = folder / "media"
    media.mkdir()
    shutil.copy(ROOT / "disseminator" / "data" / "contoh-bendungan.jpg", media / "bendungan.jpg")
    sandbox = start_sandbox(SandboxOptions(port=0, media_dir=str(media)))
    config = folder / "disseminator.toml"
    text = starter_config(sandbox.url, database=f"sqlite:///{folder / 'db.sqlite'}")
    if push:
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            port = free.getsockname()[1]
        os.environ["WEBSUB_SECRET"] = "bench-websub-secret"
        text += (f'\n[feeds]\ncallback_url = "http://127.0.0.1:{port}/websub"\nlisten = "127.0.0.1:{port}"\n'
                 'secret = "${WEBSUB_SECRET}"\n')
        every = "1h"
    config.write_text(text, encoding="utf-8")
    args = ["--config", str(config)]
    assert cli_main([*args, "init"]) == 0
    latencies: list[float] = []
    publishing: list[float] = []
    with feed_server() as pub, (websub_hub() if push else contextlib.nullcontext()) as hub:
        items: list[Item] = []

        def document() -> bytes:
            return rss(items, hub=hub.url if hub else None, self_url=pub.base + "/feed/" if hub else None)

        def entry(n: int) -> Item:
            title = f"Siaran pers {n}: peresmian bendungan ke-{n}"
            # The entry's page is up with it, as on a real site: the go-live check reads it
            # before the first post (disseminator.ingest.golive), and that read is measured too.
            pub.put(f"/b/{n}", f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>".encode(),
                    kind="text/html; charset=utf-8")
            return Item(title=title, link=f"{pub.base}/b/{n}", guid=f"b{n}", published=dt.datetime.now(dt.timezone.utc),
                        summary=f"Ringkasan {n}.", image=f"{sandbox.url}/media/bendungan.jpg")

        items.append(entry(0))
        url = pub.put("/feed/", document())
        assert cli_main([*args, "feeds", "add", url, "--every", every]) == 0
        settings = load_settings(config)
        store = Store.open(settings.database)
        daemon = Daemon(settings, store)

        def measure() -> None:
            try:
                time.sleep(1.0)
                if hub is not None:  # the daemon's first poll finds the hub; it subscribes
                    assert hub.done.wait(60), "the daemon did not subscribe"
                for n in range(1, samples + 1):
                    time.sleep(random.uniform(0, min(period, 30)))  # a random moment of the poll cycle
                    before = len(sandbox.posts())
                    items.insert(0, entry(n))
                    pub.put("/feed/", document())
                    start = time.monotonic()
                    if hub is not None:
                        hub.publish(url, document())
                    while len(sandbox.posts()) < before + 3 and time.monotonic() - start < 10 * period + 60:
                        time.sleep(0.05)
                    done = time.monotonic()
                    latencies.append(done - start)
                    read = start if hub is not None else min((t for t in pub.times if t >= start), default=start)
                    publishing.append(done - read)
                    print(f"  entry {n}: {latencies[-1]:.1f} s (read {read - start:.1f} s after it appeared, "
                          f"accepted by all three {done - read:.1f} s after the read)", flush=True)
            finally:
                daemon.stop()

        threading.Thread(target=measure, daemon=True).start()
        daemon.run()
        store.close()
    sandbox.stop()
    shutil.rmtree(folder, ignore_errors=True)
    return latencies, publishing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--every", default="30s")
    parser.add_argument("--no-push", action="store_true", help="skip the WebSub run")
    opts = parser.parse_args()
    print(f"poll every {opts.every}:", flush=True)
    latencies, publishing = run(opts.samples, opts.every)
    pushed: list[float] = []
    if not opts.no_push:
        print("WebSub push (feed polled hourly):", flush=True)
        pushed, _after = run(opts.samples, opts.every, push=True)
    median = statistics.median(latencies)
    publish = statistics.median(publishing)  # from the read that found the entry to the last acceptance
    print()
    print(f"{'poll':<14}{'samples':>8}{'min s':>9}{'median s':>10}{'max s':>9}")
    print(f"{opts.every:<14}{len(latencies):>8}{min(latencies):>9.1f}{median:>10.1f}{max(latencies):>9.1f}")
    if pushed:
        print(f"{'WebSub push':<14}{len(pushed):>8}{min(pushed):>9.1f}{statistics.median(pushed):>10.1f}"
              f"{max(pushed):>9.1f}")
    print(f"{'1h (computed)':<14}{'-':>8}{publish:>9.1f}{1800 + publish:>10.1f}{3600 + publish:>9.1f}")
    print(f"(read -> accepted by X, Facebook and Instagram: median {publish:.1f} s)")


if __name__ == "__main__":
    main()
