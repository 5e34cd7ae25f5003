#!/usr/bin/env python3
"""Prints one table per workload from bench results: medians of the runs,
and each tool's ratio to asyncfetch (wall, CPU, RSS: >1 means asyncfetch uses less).
Usage: report.py RESULTS [WORKLOAD=REQUESTS ...] (REQUESTS adds a req/s column)."""
import statistics
import sys
from collections import OrderedDict

rows = OrderedDict()
for line in open(sys.argv[1]):
    workload, tool, wall, cpu, rss, status = line.strip().split("|")
    rows.setdefault(workload, OrderedDict()).setdefault(tool, []).append(
        (float(wall), float(cpu), int(rss), int(status)))
requests = dict(arg.split("=", 1) for arg in sys.argv[2:])

for workload, tools in rows.items():
    n = int(requests.get(workload, 0))
    print(f"\n== {workload}" + (f" ({n} requests)" if n else ""))
    med = {}
    for tool, runs in tools.items():
        med[tool] = tuple(statistics.median(r[i] for r in runs) for i in range(3))
        med[tool] += (max(r[3] for r in runs), len(runs))
    base = next((m for t, m in med.items() if t.startswith("asyncfetch")), None)
    head = f"{'tool':<34}{'wall s':>9}{'req/s':>10}{'cpu s':>8}{'rss MB':>8}{'wall x':>8}{'cpu x':>7}{'rss x':>7}  runs"
    print(head)
    for tool, (wall, cpu, rss, status, runs) in med.items():
        rate = f"{n / wall:,.0f}" if n and wall > 0 else "-"
        ratio = lambda a, b: f"{a / b:.2f}" if base and b > 0 else "-"
        bad = "" if status == 0 else f"  (exit {status})"
        print(f"{tool:<34}{wall:>9.3f}{rate:>10}{cpu:>8.2f}{rss / 1024:>8.1f}"
              f"{ratio(wall, base[0]):>8}{ratio(cpu, base[1]):>7}{ratio(rss, base[2]):>7}  {runs}{bad}")
