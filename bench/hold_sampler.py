#!/usr/bin/env python3
"""Samples a client's process tree and the kernel's socket memory while it holds connections.

usage: hold_sampler.py PID OUT.json [INTERVAL_S]

Until PID exits, every INTERVAL_S (default 0.25 s): the summed VmRSS of PID and its
descendants (the -j workers), how many TCP sockets those processes have open, the TCP
line of /proc/net/sockstat (sockets in use; `mem`, buffer pages) and the slab caches a
TCP socket costs the kernel (both ends of a loopback connection are counted there).
Writes the peaks, and the slab figures at the moment the client held the most sockets,
as JSON: the bench divides them by the connections held.
"""
import json
import os
import sys
import time

SLABS = ("TCP", "sock_inode_cache", "filp", "dentry", "eventpoll_epi", "eventpoll_pwq",
         "request_sock_TCP", "tw_sock_TCP", "skbuff_head_cache", "kmalloc-1k", "kmalloc-512")


def children():
    kids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree(root):
    kids, todo, out = children(), [root], []
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def sockets(pid):
    n = 0
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                    n += 1
            except OSError:
                pass
    except OSError:
        pass
    return n


def sockstat():
    with open("/proc/net/sockstat") as f:
        for line in f:
            if line.startswith("TCP:"):
                v = line.split()[1:]
                return {v[i]: int(v[i + 1]) for i in range(0, len(v), 2)}
    return {}


def slabs():
    out = {}
    try:
        with open("/proc/slabinfo") as f:
            for line in f:
                v = line.split()
                if v and v[0] in SLABS:
                    out[v[0]] = int(v[1]) * int(v[3])  # active objects x object size
    except OSError:
        pass
    return out


def main():
    pid, path = int(sys.argv[1]), sys.argv[2]
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.25
    slab_before = slabs()
    peak = {"rss_kb": 0, "sockets": 0, "tcp_inuse": 0, "tcp_mem_pages": 0, "slab_bytes": 0}
    samples = 0
    while os.path.exists(f"/proc/{pid}") and rss_kb(pid) > 0:
        pids = tree(pid)
        rss = sum(rss_kb(p) for p in pids)
        held = sum(sockets(p) for p in pids)
        stat = sockstat()
        peak["rss_kb"] = max(peak["rss_kb"], rss)
        peak["tcp_inuse"] = max(peak["tcp_inuse"], stat.get("inuse", 0))
        peak["tcp_mem_pages"] = max(peak["tcp_mem_pages"], stat.get("mem", 0))
        if held >= peak["sockets"]:
            peak["sockets"] = held
            now = slabs()
            peak["slab_bytes"] = sum(now.get(k, 0) - slab_before.get(k, 0) for k in SLABS)
        samples += 1
        time.sleep(interval)
    peak["samples"] = samples
    with open(path, "w") as f:
        json.dump(peak, f)


if __name__ == "__main__":
    main()
