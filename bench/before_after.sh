#!/bin/sh
# The sync API before and after, interleaved: `bench/before_after.sh [-r ROUNDS] [-w REGEX] [-m] COMMIT...`.
#
# Each COMMIT (any git revision; `.` is the working tree this script is in) is checked out with `git worktree add` into
# a temporary directory that shares this checkout's node_modules. Each round visits every tree, in an order rotated
# from round to round, and runs in it, under the shared CPU lock (`flock /tmp/bench.lock`, released between runs):
# `bench/run.ts --quick --only='^(REGEX) '` (default REGEX `W1|W2|W4`) with this module under Deno and Bun, plus the
# raw-FFI floor in the first tree given (`bench/raw/` is the same in every tree since the floor was written); with
# `-m`, also `bench/micro/sync_calls.ts` under both runtimes (copied into a tree that lacks it); with `-c`, also W1 on
# one CPU by hand, and W2 likewise (`bench/w1_cpu.py`, 2 s), which reports the CPU time of both processes per round trip (`W1cpu-us`:
# lower is better, so its ratios are CPU ratios), a figure that other load on the machine disturbs far less than
# round trips/s. With `-q`, run.ts is skipped. Prints one line per result, then per case the median of each series, its
# ratio to the raw floor's median and to the first tree's.
set -eu
rounds=4 only='W1|W2|W4' micro= cpu= skip=
while getopts r:w:mcq o; do
  case $o in
  r) rounds=$OPTARG ;;
  w) only=$OPTARG ;;
  m) micro=1 ;;
  c) cpu=1 ;;
  q) skip=1 ;;
  *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-r ROUNDS] [-w REGEX] [-m] [-c] [-q] COMMIT..." >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$here/node_modules/.bin:$PATH"
tmp=$(mktemp -d)
out="$tmp/results"
trees=""
cleanup() {
  for t in $trees; do [ "$t" = "$here" ] || git -C "$here" worktree remove --force "$t" >/dev/null 2>&1 || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
i=0
for c in "$@"; do
  if [ "$c" = . ]; then
    t=$here
  else
    t="$tmp/tree$i"
    git -C "$here" worktree add --detach "$t" "$c" >/dev/null 2>&1
    ln -s "$here/node_modules" "$t/node_modules"
  fi
  [ -f "$t/bench/micro/sync_calls.ts" ] || cp "$here/bench/micro/sync_calls.ts" "$t/bench/micro/"
  trees="$trees $t"
  echo "tree$i = $c ($(git -C "$t" rev-parse --short HEAD))"
  i=$((i + 1))
done

# Runs run.ts in tree $2 (named $1) and prints "name case contender value" for each row of this module or the floor.
workloads() {
  contenders=lib-deno,lib-bun
  [ "$1" = tree0 ] && contenders=$contenders,raw-deno,raw-bun
  (cd "$2" && flock /tmp/bench.lock deno run -A bench/run.ts --quick --only="^($only) " --contenders=$contenders 2>&1) |
    awk -v tree="$1" -v round="$r" -F'|' '/^### W/ { split($0, w, " "); pin = ($0 ~ /CPUs 0 and 1/) ? "2cpu" : "1cpu"; key = w[2] "-" pin }
      key != "" && /^\| (this module|raw FFI floor), (Deno|Bun) +\| +[0-9]/ {
        v = $3; gsub(/ /, "", v); m = 1; if (v ~ /k$/) { m = 1000; sub(/k$/, "", v) }
        who = ($2 ~ /raw/) ? "raw" : "lib"; rt = ($2 ~ /Deno/) ? "deno" : "bun"
        print (who == "raw" ? "raw" : tree), key, rt, v * m, round }' | tee -a "$out"
}

# Runs the in-process micro-benchmark in tree $2 under both runtimes: "name case runtime ns".
micros() {
  for rt in deno bun; do
    if [ $rt = deno ]; then cmd="deno run -A"; else cmd=bun; fi
    (cd "$2" && flock /tmp/bench.lock $cmd bench/micro/sync_calls.ts 30000 3) | tr -d '{}"' | tr ',' '\n' |
      awk -v tree="$1" -v rt=$rt -v round="$r" -F: '/lib/ { gsub(/ /, "_", $1); print tree, "micro:" $1 "-ns", rt, $2, round }' | tee -a "$out"
  done
}

# W1 on one CPU by hand in tree $2 (named $1), both runtimes: "name W1cpu-us runtime value" and its rate.
w1cpu() {
  kinds=lib
  [ "$1" = tree0 ] && kinds="lib raw"
  for kind in $kinds; do
    for rt in deno bun; do
      for w in W1 W2; do
        flock /tmp/bench.lock python3 "$here/bench/w1_cpu.py" "$2" $kind $rt 2 $([ $w = W2 ] && echo tcp) |
          awk -v tree="$1" -v w=$w -v round="$r" '{ who = ($1 == "raw") ? "raw" : tree
            print who, w "cpu-us", $2, $4, round; print who, w "cpu-rt/s", $2, $3, round }' |
          tee -a "$out"
      done
    done
  done
}

n=$#
r=0
while [ $r -lt "$rounds" ]; do
  k=0
  while [ $k -lt "$n" ]; do
    j=$(((k + r) % n))
    t=$(echo $trees | cut -d' ' -f$((j + 1)))
    [ -n "$skip" ] || workloads "tree$j" "$t"
    [ -z "$cpu" ] || w1cpu "tree$j" "$t"
    [ -z "$micro" ] || micros "tree$j" "$t"
    k=$((k + 1))
  done
  r=$((r + 1))
done

echo "medians (× raw, × tree0: the median over rounds of the ratio to the raw floor's, or the first tree's, result in the"
echo "same round, so that a noisy round moves both sides; for *cpu-us, lower is better and the ratios are CPU ratios):"
awk '{ v[$2 " " $3 " " $1 " " $5] = $4; keys[$2 " " $3 " " $1] = 1; rounds[$5] = 1 }
  function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n == 0 ? "" : (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2) }
  END { for (k in keys) { split(k, f, " "); nv = nr = nt = 0; delete xs; delete rr; delete rt
      for (r in rounds) { if (!((k " " r) in v)) continue; xs[++nv] = v[k " " r]
        if (f[3] != "raw" && ((f[1] " " f[2] " raw " r) in v)) rr[++nr] = v[k " " r] / v[f[1] " " f[2] " raw " r]
        if (f[3] != "raw" && f[3] != "tree0" && ((f[1] " " f[2] " tree0 " r) in v)) rt[++nt] = v[k " " r] / v[f[1] " " f[2] " tree0 " r] }
      s = k " " median(xs, nv)
      if (nr) s = s sprintf("  × raw %.2f", median(rr, nr))
      if (nt) s = s sprintf("  × tree0 %.2f", median(rt, nt))
      print s } }' "$out" | sort
