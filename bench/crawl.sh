#!/usr/bin/env bash
# crawl: a generated static site on nginx (N_PAGES pages, 10 links a page in
# a tree that reaches every page plus 3 random cross links, robots.txt
# disallowing /private/ which every page links to), crawled whole from its
# root by asyncfetch crawl (with and without --state) and by Scrapy
# (python3-scrapy) with the same concurrency and per-host limit, robots.txt
# obeyed by both: wall time (pages/s), client CPU, peak RSS.
# Sizes: N_PAGES_LIST (default "5000 50000"); medians of RUNS runs (default 3).
# SMOKE=1: 200 pages, one run (CI).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-3}
N_PAGES_LIST=${N_PAGES_LIST:-"5000 50000"}
if [ "${SMOKE:-0}" = 1 ]; then
  RUNS=1 N_PAGES_LIST=200
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

args=()
for n in $N_PAGES_LIST; do args+=("pages$n=$n"); done
report "${args[@]}"
