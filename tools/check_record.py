"""Check an export of the publication record without Disseminator (for an auditor).

    disseminator record export --json > record.json
    python tools/check_record.py record.json

Needs nothing but Python 3.  Each entry's hash is the SHA-256 of a JSON array of its
fields (``disseminator.store.record.canonical``); each entry names the hash of the one
before.  An export of a period starts from its first entry's ``prev_hash``: compare that
with the last hash of the export before it.  Exit 0 with the last hash, or 1 naming the
first entry that does not check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys


def main(path: str) -> int:
    prev = None
    rows = 0
    with open(path, encoding="utf-8") as f:
        for row in json.load(f):
            at = dt.datetime.fromisoformat(row["at"]).astimezone(dt.timezone.utc)
            fields = ["v1", row["seq"], at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), row["event"], row["post_id"],
                      row["account"], row["actor"], row["detail"], row["prev_hash"]]
            body = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            if prev is not None and row["prev_hash"] != prev:
                print(f"entry {row['seq']} does not follow the entry before it", file=sys.stderr)
                return 1
            if hashlib.sha256(body).hexdigest() != row["hash"]:
                print(f"entry {row['seq']} was changed (its hash does not match)", file=sys.stderr)
                return 1
            prev, rows = row["hash"], rows + 1
    print(f"{rows} entries check; last hash {prev}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tools/check_record.py EXPORT.json")
    sys.exit(main(sys.argv[1]))
