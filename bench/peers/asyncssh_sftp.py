#!/usr/bin/python3
"""Peer for the SFTP benchmark: copy one file to (put) or from (get) every
host in a hosts file ([user@]host:port lines) with asyncssh's SFTP client,
all hosts at once on one asyncio event loop. Host keys are checked against
KNOWN_HOSTS. get writes LOCAL_DIR/<host>[:<port>]/<name>, as asyncfetch does."""
import asyncio
import getpass
import os
import sys
import warnings

warnings.simplefilter("ignore")  # asyncssh's import-time deprecation noise
import asyncssh  # noqa: E402


def parse(line):
    user, _, rest = line.rpartition("@")
    host, _, port = rest.partition(":")
    return user or None, host, int(port or 22)


async def main(hosts_path, key, known_hosts, op, source, destination):
    hosts = [parse(l.strip()) for l in open(hosts_path) if l.strip() and not l.startswith("#")]

    async def one(user, host, port):
        async with asyncssh.connect(host, port=port, username=user, client_keys=[key],
                                    known_hosts=known_hosts, agent_path=None) as conn:
            async with conn.start_sftp_client() as sftp:
                if op == "put":
                    await sftp.put(source, destination)
                else:
                    # Same directory names as asyncfetch get: [USER@]HOST[+PORT].
                    name = (f"{user}@" if user and user != getpass.getuser() else "") + host
                    local = os.path.join(destination, name if port == 22 else f"{name}+{port}")
                    os.makedirs(local, exist_ok=True)
                    await sftp.get(source, os.path.join(local, os.path.basename(source)))

    results = await asyncio.gather(*(one(*h) for h in hosts), return_exceptions=True)
    failed = [r for r in results if isinstance(r, Exception)]
    for e in failed:
        print(f"error: {e}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(*sys.argv[1:7])))
