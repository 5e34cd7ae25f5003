#!/usr/bin/env bash
# crawl: a generated static site on nginx (N_PAGES pages, 10 links a page in
# a tree that reaches every page plus 3 random cross links, robots.txt
# disallowing /private/ which every page links to), crawled whole from its
# root by asyncfetch crawl (with and without --state) and by Scrapy
# (python3-scrapy) with the same concurrency and per-host limit, robots.txt
# obeyed by both: wall time (pages/s), client CPU, peak RSS.
# Frontier: a site whose root links to FANOUT pages that each link to FANOUT
# URLs of a small file (distinct queries), crawled to depth 2: a frontier of
# 1 + FANOUT + FANOUT^2 URLs (1,001,001 at the default 1000), once with the
# default --frontier-memory and once with 4M: peak RSS, and the crawl's own
# "frontier:" line (seen set bytes a URL, queue bytes in memory and spilled).
# Sizes: N_PAGES_LIST (default "5000 50000"), FANOUT (1000; 0: no frontier
# case); medians of RUNS runs (default 3; the frontier case runs once).
# SMOKE=1: 200 pages, a fan-out of 10, one run (CI).
set -euo pipefail
RUNS=${RUNS:-3} # before lib.sh, whose default is 5
source "$(dirname "$0")/lib.sh"

N_PAGES_LIST=${N_PAGES_LIST-"5000 50000"} # "" runs the frontier case only
FANOUT=${FANOUT:-1000}
if [ "${SMOKE:-0}" = 1 ]; then
  RUNS=1 N_PAGES_LIST=200 FANOUT=10
fi
CONCURRENCY=${CONCURRENCY:-64}
PER_HOST=${PER_HOST:-16}
start_nginx 1
echo "crawl: nginx $NGINX_URL, sizes $N_PAGES_LIST, -c $CONCURRENCY, per host $PER_HOST," \
  "$(nproc) cores, runs: $RUNS" >&2

# make_site N: $WORK/www holds pages 0..N-1 (the root is /index.html).
make_site() {
  python3 - "$WORK/www" "$1" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(42)
os.makedirs(f"{root}/p", exist_ok=True)
with open(f"{root}/robots.txt", "w") as f:
    f.write("User-agent: *\nDisallow: /private/\n")
for i in range(n):
    links = [c for c in range(i * 10 + 1, i * 10 + 11) if c < n]
    links += [rng.randrange(1, n) for _ in range(3)]
    body = "".join(f'<li><a href="/p/{c}.html">page {c}</a></li>' for c in links)
    html = (f"<!doctype html><html><head><title>Page {i}</title></head><body><ul>{body}"
            f'</ul><a href="/private/{i}.html">private</a></body></html>')
    with open(f"{root}/index.html" if i == 0 else f"{root}/p/{i}.html", "w") as f:
        f.write(html)
PY
}

for n in $N_PAGES_LIST; do
  rm -rf "$WORK/www/p"
  make_site "$n"
  seed="$NGINX_URL/index.html"
  echo "$seed" > "$WORK/seeds.txt"
  crawl=("$ASYNCFETCH" crawl "$WORK/seeds.txt" -q -o /dev/null -c "$CONCURRENCY"
         --per-host "$PER_HOST" --depth 1000 --max-pages 0)
  measure_runs "pages$n" "asyncfetch crawl" "${crawl[@]}"
  measure_runs "pages$n" "asyncfetch crawl --state" "${crawl[@]}" --state "$WORK/state"
  if /usr/bin/python3 -c "import scrapy" 2> /dev/null; then
    measure_runs "pages$n" "scrapy" /usr/bin/python3 "$BENCH_ROOT/bench/peers/scrapy_crawl.py" "$seed" \
      "$CONCURRENCY" "$PER_HOST"
  else
    echo "python3-scrapy not installed: Scrapy skipped" >&2
  fi
done

# make_fanout N: $WORK/www/f/index.html links to f/N pages, each to N URLs of /small.txt.
make_fanout() {
  python3 - "$WORK/www/f" "$1" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
os.makedirs(root, exist_ok=True)
def page(links):
    return "<!doctype html><ul>" + "".join(f'<li><a href="{u}">x</a>' for u in links) + "</ul>"
with open(f"{root}/index.html", "w") as f:
    f.write(page(f"/f/{i}.html" for i in range(n)))
for i in range(n):
    with open(f"{root}/{i}.html", "w") as f:
        f.write(page(f"/small.txt?{i}-{j}" for j in range(n)))
PY
}

frontier_urls=$((1 + FANOUT + FANOUT * FANOUT))
if [ "$FANOUT" -gt 0 ]; then
  make_fanout "$FANOUT"
  echo "$NGINX_URL/f/index.html" > "$WORK/fanout.txt"
  fanout=("$ASYNCFETCH" crawl "$WORK/fanout.txt" -q -o /dev/null -c "$CONCURRENCY"
          --per-host "$CONCURRENCY" --depth 2 --max-pages 0)
  variants=("")
  # A binary from before --frontier-memory runs the default case only.
  if "$ASYNCFETCH" crawl --help | grep -q -- --frontier-memory; then variants+=(4M); fi
  for memory in "${variants[@]}"; do
    tool="asyncfetch crawl${memory:+ --frontier-memory $memory}"
    measure frontier "$tool" "${fanout[@]}" ${memory:+--frontier-memory "$memory"}
    echo "$tool: $(grep -h '^frontier:' "$WORK/stderr.txt" || echo 'no frontier line')" >&2
  done
  rm -rf "$WORK/www/f"
fi

args=("frontier=$frontier_urls")
for n in $N_PAGES_LIST; do args+=("pages$n=$n"); done
report "${args[@]}"
