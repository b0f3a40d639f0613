"""How long image preparation takes for typical sources; prints a table, asserts nothing.

Run: .venv/bin/python benchmarks/bench_media.py [repeats]

Sources are generated: a smooth "photo" (gradients, compresses like a real photo) and
random noise (the worst case for JPEG size, so it exercises the shrink loops).
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image  # noqa: E402

from channels.media.instagram import prepare_for_instagram  # noqa: E402
from channels.media.prepared import PreparedImage  # noqa: E402
from channels.media.x import prepare_for_x  # noqa: E402


def photo(size: tuple[int, int]) -> bytes:
    grad = Image.linear_gradient("L").resize(size)
    radial = Image.radial_gradient("L").resize(size)
    img = Image.merge("RGB", (grad, radial, grad.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=92)
    return buf.getvalue()


def noise(size: tuple[int, int], fmt: str) -> bytes:
    img = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buf = io.BytesIO()
    img.save(buf, fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return buf.getvalue()


def main(repeats: int = 3) -> None:
    cases: list[tuple[str, bytes]] = [
        ("photo 1600x1200 JPEG", photo((1600, 1200))),
        ("photo 4000x3000 JPEG", photo((4000, 3000))),
        ("photo 6000x4000 JPEG", photo((6000, 4000))),
        ("photo 1080x3240 JPEG (tall)", photo((1080, 3240))),
        ("noise 2000x1500 PNG", noise((2000, 1500), "PNG")),
        ("noise 4000x3000 JPEG", noise((4000, 3000), "JPEG")),
    ]
    targets: list[tuple[str, Callable[[bytes], PreparedImage]]] = [
        ("X", prepare_for_x),
        ("Instagram", prepare_for_instagram),
    ]
    print(f"{'source':30} {'in MB':>6} {'target':10} {'median s':>9} {'out MB':>7} {'out size':>11}")
    for name, data in cases:
        for target, prepare in targets:
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                prepared = prepare(data)
                times.append(time.perf_counter() - start)
            print(
                f"{name:30} {len(data) / 1e6:6.2f} {target:10} {statistics.median(times):9.3f} "
                f"{len(prepared.data) / 1e6:7.2f} {prepared.width:>5}x{prepared.height:<5}"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
