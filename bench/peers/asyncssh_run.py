#!/usr/bin/python3
"""Peer for the SSH benchmark: run COMMAND on every host in a hosts file
([user@]host:port lines) with asyncssh on one asyncio event loop, at most
LIMIT sessions at once. Host keys are checked against KNOWN_HOSTS. With a
sixth argument [user@]host:port, every host is reached through that jump host
(one connection to it, shared: asyncssh's tunnel=)."""
import asyncio
import sys
import warnings

warnings.simplefilter("ignore")  # asyncssh's import-time deprecation noise
import asyncssh  # noqa: E402


def parse(line):
    user, _, rest = line.rpartition("@")
    host, _, port = rest.partition(":")
    return user or None, host, int(port or 22)


async def main(hosts_path, limit, key, known_hosts, command, jump=None):
    hosts = [parse(l.strip()) for l in open(hosts_path) if l.strip() and not l.startswith("#")]
    gate = asyncio.Semaphore(limit)
    failed = 0
    tunnel = None
    if jump:
        j_user, j_host, j_port = parse(jump)
        tunnel = await asyncssh.connect(j_host, port=j_port, username=j_user, client_keys=[key],
                                        known_hosts=known_hosts, agent_path=None)

    async def one(user, host, port):
        nonlocal failed
        async with gate:
            try:
                async with asyncssh.connect(host, port=port, username=user, client_keys=[key],
                                            known_hosts=known_hosts, agent_path=None,
                                            tunnel=tunnel) as conn:
                    result = await conn.run(command)
                    failed += result.exit_status != 0
            except (OSError, asyncssh.Error) as e:
                failed += 1
                print(f"{host}:{port}: {e}", file=sys.stderr)

    await asyncio.gather(*(one(*h) for h in hosts))
    if tunnel:
        tunnel.close()
    print(f"{len(hosts)} hosts, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], int(sys.argv[2]), *sys.argv[3:7])))
