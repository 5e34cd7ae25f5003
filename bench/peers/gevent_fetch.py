#!/usr/bin/python3
"""Peer for the benchmarks: the classic gevent pattern, monkey-patched urllib
in a pool of greenlets (POOL at once), or one after another with --serial."""
from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402
import urllib.request  # noqa: E402

import gevent.pool  # noqa: E402


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=600) as resp:
            resp.read()
            return 0
    except Exception:
        return 1


def main():
    path, pool = sys.argv[1], sys.argv[2]
    urls = [u.strip() for u in open(path) if u.strip() and not u.startswith("#")]
    if pool == "serial":
        failed = sum(fetch(u) for u in urls)
    else:
        failed = sum(gevent.pool.Pool(int(pool)).map(fetch, urls))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
