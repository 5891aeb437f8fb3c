#!/bin/sh
# W1 before/after, interleaved: `bench/owned_w1.sh BEFORE_TREE AFTER_TREE [ROUNDS]`.
# Each round runs `bench/run.ts --quick --only=W1` (this module under Deno and Bun) in both
# trees, alternating which goes first; prints one line per run and the medians at the end.
set -eu
before=$1 after=$2 rounds=${3:-6}
out=$(mktemp)
run() {
  deno run -A "$2/bench/run.ts" --quick --only='^W1 ' --contenders=lib-deno,lib-bun 2>&1 |
    awk -v tree="$1" -F'|' '/^###/ { pin = "" } /^### W1 ping-pong/ { pin = ($0 ~ /CPUs 0 and 1/) ? "2cpu" : "1cpu" }
      pin != "" && /^\| this module, (Deno|Bun) \| [0-9]/ {
        v = $3; gsub(/ /, "", v); m = 1; if (v ~ /k$/) { m = 1000; sub(/k$/, "", v) }
        rt = ($2 ~ /Deno/) ? "deno" : "bun"; print tree, pin, rt, v * m }' | tee -a "$out"
}
i=0
while [ "$i" -lt "$rounds" ]; do
  if [ $((i % 2)) -eq 0 ]; then run before "$before"; run after "$after"; else run after "$after"; run before "$before"; fi
  i=$((i + 1))
done
echo "medians (round trips/s):"
sort "$out" | awk '{ k = $1 " " $2 " " $3; v[k] = v[k] " " $4 } END { for (k in v) print k, v[k] }' |
  while read -r tree pin rt vals; do
    printf '%s %s %s %s\n' "$pin" "$rt" "$tree" "$(echo "$vals" | tr ' ' '\n' | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')"
  done | sort
rm -f "$out"
