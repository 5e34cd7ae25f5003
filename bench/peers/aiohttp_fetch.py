#!/usr/bin/python3
"""Peer for the benchmarks: fetch every URL in a file with aiohttp, at most
LIMIT connections (the usual aiohttp pattern: one session, a TCPConnector limit).
With a third argument BODY_FILE, each request is a POST of that file as JSON."""
import asyncio
import sys

import aiohttp


async def main(path, limit, body_file=None):
    body = open(body_file, "rb").read() if body_file else None
    json_headers = {"Content-Type": "application/json", "Accept": "application/json"}
    urls = [u.strip() for u in open(path) if u.strip() and not u.startswith("#")]
    failed = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit, limit_per_host=limit),
                                     timeout=aiohttp.ClientTimeout(total=600)) as session:
        async def one(url):
            nonlocal failed
            try:
                request = session.post(url, data=body, headers=json_headers) if body else session.get(url)
                async with request as resp:
                    await resp.read()
                    failed += resp.status >= 400
            except Exception:
                failed += 1
        await asyncio.gather(*(one(u) for u in urls))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100,
                              sys.argv[3] if len(sys.argv) > 3 else None)))
