#!/bin/sh
# Owned recv() results, before/after, interleaved: `bench/owned_w1.sh BEFORE_TREE AFTER_TREE [ROUNDS]`.
# Each round runs, in both trees and alternating which goes first: W1 (`bench/run.ts --quick --only='^W1 '`, or without --quick if W1_FULL is set;
# this module under Deno and Bun) and `bench/owned_micro.ts` (copied into a tree that lacks it) under Deno and
# Bun. Prints one line per result, then the median of each series.
set -eu
before=$1 after=$2 rounds=${3:-6}
here=$(dirname "$0")
for t in "$before" "$after"; do [ -f "$t/bench/owned_micro.ts" ] || cp "$here/owned_micro.ts" "$t/bench/"; done
out=$(mktemp)
# W1_FULL=1: W1 with run.ts's full settings (3 repetitions of 0.8 s) instead of --quick.
w1mode=--quick
if [ -n "${W1_FULL:-}" ]; then w1mode=; fi
w1() {
  deno run -A "$2/bench/run.ts" $w1mode --only='^W1 ' --contenders=lib-deno,lib-bun 2>&1 |
    awk -v tree="$1" -F'|' '/^###/ { pin = "" } /^### W1 ping-pong/ { pin = ($0 ~ /CPUs 0 and 1/) ? "2cpu" : "1cpu" }
      pin != "" && /^\| this module, (Deno|Bun) \| [0-9]/ {
        v = $3; gsub(/ /, "", v); m = 1; if (v ~ /k$/) { m = 1000; sub(/k$/, "", v) }
        rt = ($2 ~ /Deno/) ? "deno" : "bun"; print tree, "W1-" pin "-rt/s", rt, v * m }' | tee -a "$out"
}
micro() {
  for rt in deno bun; do
    if [ "$rt" = deno ]; then json=$(deno run -A "$2/bench/owned_micro.ts" 100000); else json=$(bun "$2/bench/owned_micro.ts" 100000); fi
    echo "$json" | tr -d '{}"' | tr ',' '\n' | awk -v tree="$1" -v rt="$rt" -F: '{ print tree, $1 "-ns", rt, $2 }' | tee -a "$out"
  done
}
round() { w1 "$1" "$2"; micro "$1" "$2"; }
i=0
while [ "$i" -lt "$rounds" ]; do
  if [ $((i % 2)) -eq 0 ]; then round before "$before"; round after "$after"; else round after "$after"; round before "$before"; fi
  i=$((i + 1))
done
echo "medians:"
awk '{ k = $2 " " $3 " " $1; v[k] = v[k] " " $4 } END { for (k in v) print k, v[k] }' "$out" | sort |
  while read -r what rt tree vals; do
    printf '%s %s %s %s\n' "$what" "$rt" "$tree" "$(echo "$vals" | tr ' ' '\n' | sort -n |
      awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')"
  done
rm -f "$out"
