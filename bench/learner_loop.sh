#!/usr/bin/env bash
# The learner's loop, timed: save a chapter's stub, rebuild it and run its
# tests, exactly as `./kata test N` does. Prints the median, min and max of
# RUNS repetitions (default 10) in seconds.
#
#   bench/learner_loop.sh [CHAPTER] [RUNS]       e.g. bench/learner_loop.sh 3 10
#
# Run ./kata once first, so that the learner build exists.
set -euo pipefail
cd "$(dirname "$0")/.."
chapter=${1:-3}
runs=${2:-10}
stub=$(ls chapters/"$(printf '%02d' "$chapter")"_*/*.cpp chapters/"$(printf '%02d' "$chapter")"_*/*.cu 2>/dev/null | head -n 1 || true)
[[ -d build/learner ]] || { echo "run ./kata first" >&2; exit 1; }

./kata test "$chapter" >/dev/null 2>&1 || true  # warm: everything else built
times=()
for ((r = 0; r < runs; r++)); do
  touch "$stub"  # "save" the stub
  start=$(date +%s.%N)
  ./kata test "$chapter" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')")
done
printf '%s\n' "${times[@]}" | sort -n | awk -v stub="$stub" '
  { t[NR] = $1 }
  END {
    median = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
    printf "save %s + ./kata test: median %.2f s, min %.2f s, max %.2f s over %d runs\n", stub, median, t[1], t[NR], NR
  }'
