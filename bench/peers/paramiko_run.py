#!/usr/bin/python3
"""Peer for the SSH benchmark: run COMMAND on every host in a hosts file
([user@]host:port lines) with paramiko and a pool of THREADS threads (the
usual pattern). Host keys are checked against KNOWN_HOSTS."""
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor

warnings.simplefilter("ignore")
import paramiko  # noqa: E402


def parse(line):
    user, _, rest = line.rpartition("@")
    host, _, port = rest.partition(":")
    return user or None, host, int(port or 22)


def one(user, host, port, key, known_hosts, command):
    client = paramiko.SSHClient()
    client.load_host_keys(known_hosts)
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    try:
        client.connect(host, port=port, username=user, key_filename=key, allow_agent=False,
                       look_for_keys=False, timeout=60, banner_timeout=60, auth_timeout=60)
        _, stdout, _ = client.exec_command(command)
        stdout.read()
        return stdout.channel.recv_exit_status()
    except Exception as e:  # noqa: BLE001 - any failure is one failed host
        print(f"{host}:{port}: {e}", file=sys.stderr)
        return -1
    finally:
        client.close()


def main(hosts_path, threads, key, known_hosts, command):
    hosts = [parse(l.strip()) for l in open(hosts_path) if l.strip() and not l.startswith("#")]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        statuses = list(pool.map(lambda h: one(*h, key, known_hosts, command), hosts))
    failed = sum(s != 0 for s in statuses)
    print(f"{len(hosts)} hosts, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]))
