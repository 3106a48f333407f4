#!/usr/bin/env bash
# Grading, timed: a class of fake submissions made from the workbook's stubs
# and solutions (solved, untouched, half done), graded with kata grade-class
# at --jobs 1 and --jobs 2, after the grading trees are prepared. Prints the
# wall time of each step and the seconds per submission.
#
#   bench/grading.sh [STUDENTS] [CHAPTERS]      e.g. bench/grading.sh 6 1-10
#
# Needs the solutions (an instructor's tree). Scratch space: build/bench-grading.
set -euo pipefail
cd "$(dirname "$0")/.."
students=${1:-6}
chapters=${2:-}
work=build/bench-grading
# The grading trees are kept between runs (they depend only on the workbook).
rm -rf "$work/class" "$work"/out-* "$work/warm" "$work/one"
mkdir -p "$work/class"
extra=()
[[ -n "$chapters" ]] && extra=(--chapters "$chapters")

seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# The class: a third solved, a third untouched, a third with every other chapter solved.
for ((s = 0; s < students; s++)); do
  dir="$work/class/student$s"
  mkdir -p "$dir/chapters"
  k=0
  for chapter in solutions/*/; do
    name=$(basename "$chapter")
    k=$((k + 1))
    case $((s % 3)) in
      0) cp -r "$chapter" "$dir/chapters/$name" ;;
      2) if ((k % 2)); then cp -r "$chapter" "$dir/chapters/$name"; fi ;;
    esac
  done
done

start=$(date +%s.%N)
./kata grade --prepare --work "$work/trees" "${extra[@]}" >/dev/null
./kata grade-class "$work/class" --out "$work/warm" --jobs 2 --work "$work/trees" "${extra[@]}" >/dev/null 2>&1
end=$(date +%s.%N)
echo "preparing the grading trees (two workspaces; from an empty folder unless kept from a run before) and a first pass: $(seconds "$start" "$end") s"

start=$(date +%s.%N)
./kata grade "$work/class/student0" --out "$work/one" --work "$work/trees" "${extra[@]}" >/dev/null 2>&1
end=$(date +%s.%N)
echo "kata grade, one solved submission: $(seconds "$start" "$end") s"

for jobs in 1 2; do
  start=$(date +%s.%N)
  ./kata grade-class "$work/class" --out "$work/out-$jobs" --jobs "$jobs" --work "$work/trees" "${extra[@]}" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "kata grade-class --jobs $jobs, $students submissions: $(seconds "$start" "$end") s" \
       "($(awk -v a="$start" -v b="$end" -v n="$students" 'BEGIN { printf "%.1f", (b - a) / n }') s per submission)"
done
echo "grades (--jobs 2):"
cat "$work/out-2/grades.csv"
