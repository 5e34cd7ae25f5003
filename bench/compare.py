#!/usr/bin/env python3
"""Before/after table of one benchmark script's asyncfetch rows.

Usage: compare.py TITLE BEFORE_ROWS AFTER_ROWS [THRESHOLD_PERCENT]
Each rows file holds lib.sh's "WORKLOAD|TOOL|wall_s|cpu_s|rss_kb|exit" lines
(RESULTS_OUT). Prints, per (workload, tool) whose tool starts with
"asyncfetch", the medians of wall, client CPU and peak RSS before and after
and after/before ratios; a row is flagged WORSE when after exceeds before by
more than THRESHOLD_PERCENT (default 10) in any of the three, and EXIT when a
run exited non-zero. Peers run in both too: one line sums up how much their
medians moved, a check that the machine stayed the same between the runs."""
import math
import statistics
import sys

COLUMNS = ("wall s", "cpu s", "rss MB")


def read_rows(path):
    """{(workload, tool): [(wall, cpu, rss_mb, exit), ...]} in file order."""
    runs = {}
    try:
        lines = open(path).read().splitlines()
    except FileNotFoundError:
        return runs
    for number, line in enumerate(lines, 1):
        fields = line.split("|")
        if len(fields) != 6:
            sys.exit(f"{path}:{number}: expected 6 fields separated by |, got {len(fields)}")
        workload, tool, wall, cpu, rss, status = fields
        try:
            run = (float(wall), float(cpu), int(rss) / 1024, int(status))
        except ValueError:
            sys.exit(f"{path}:{number}: a value is not a number: {line!r}")
        runs.setdefault((workload, tool), []).append(run)
    return runs


def medians(runs):
    """(wall, cpu, rss, worst exit, number of runs) or None when absent."""
    if not runs:
        return None
    values = tuple(statistics.median(run[i] for run in runs) for i in range(3))
    worst = max((run[3] for run in runs), key=lambda s: s != 0)
    return values + (worst, len(runs))


def ratio(after, before):
    return after / before if before > 0 else (1.0 if after == before else math.inf)


def cell(value, width, digits):
    return f"{value:>{width}.{digits}f}" if value is not None else f"{'-':>{width}}"


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    title, before_path, after_path = sys.argv[1:4]
    threshold = float(sys.argv[4]) if len(sys.argv) == 5 else 10.0
    before, after = read_rows(before_path), read_rows(after_path)
    keys = list(dict.fromkeys(list(before) + list(after)))
    ours = [k for k in keys if k[1].startswith("asyncfetch")]
    peers = [k for k in keys if not k[1].startswith("asyncfetch") and k in before and k in after]

    print(f"\n== {title}: asyncfetch before -> after (medians; x = after/before)")
    if not ours:
        print("(no asyncfetch rows)")
    wide_workload = max([len("workload")] + [len(k[0]) for k in ours])
    wide_tool = max([len("tool")] + [len(k[1]) for k in ours])
    head = f"{'workload':<{wide_workload}}  {'tool':<{wide_tool}}"
    for name in COLUMNS:
        head += f"  {name + ' before':>14}{'after':>9}{'x':>6}"
    print(head + "  runs  flags")
    flagged = 0
    for key in ours:
        b, a = medians(before.get(key)), medians(after.get(key))
        line = f"{key[0]:<{wide_workload}}  {key[1]:<{wide_tool}}"
        flags = []
        for i, digits in ((0, 3), (1, 3), (2, 1)):
            bv, av = (b[i] if b else None), (a[i] if a else None)
            x = ratio(av, bv) if b and a else None
            line += f"  {cell(bv, 14, digits)}{cell(av, 9, digits)}{cell(x, 6, 2)}"
            if x is not None and x > 1 + threshold / 100:
                flags.append(f"WORSE {COLUMNS[i].split()[0]}")
        for side, m in (("before", b), ("after", a)):
            if m is None:
                flags.append(f"no {side} rows")
            elif m[3] != 0:
                flags.append(f"EXIT {m[3]} {side}")
        flagged += bool(flags)
        runs = f"{b[4] if b else 0}/{a[4] if a else 0}"
        print(line + f"  {runs:>4}  {', '.join(flags)}")
    print(f"{flagged} of {len(ours)} asyncfetch rows flagged (worse by >{threshold:g}% or a failed run)")

    if peers:
        summary = []
        for i, name in enumerate(COLUMNS[:2]):
            xs = [ratio(medians(after[k])[i], medians(before[k])[i]) for k in peers]
            xs = [x for x in xs if 0 < x < math.inf]
            if xs:
                mean = math.exp(statistics.fmean(math.log(x) for x in xs))
                summary.append(f"{name} x geomean {mean:.2f} ({min(xs):.2f}-{max(xs):.2f})")
        print(f"peers, same runs (machine check): {len(peers)} rows, " + "; ".join(summary))
    else:
        print("peers, same runs (machine check): none in both runs")


if __name__ == "__main__":
    main()
