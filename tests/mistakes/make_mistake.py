#!/usr/bin/env python3
"""Write a mistake patch for the catalogue from an edited copy of a solution.

    cp solutions/03_padding/padding.cpp /tmp/padding.cpp
    $EDITOR /tmp/padding.cpp            # make the learner's mistake
    tests/mistakes/make_mistake.py 03_padding one_sided_padding /tmp/padding.cpp \
        "Padding only the left side: the output is too short and shifted."

The patch lands in tests/mistakes/<chapter>/<name>.patch; its first line is
the summary. `./kata verify` builds every patch against its chapter's tests
and fails if one of them passes.
"""
import difflib
import pathlib
import sys


def main() -> int:
    if len(sys.argv) != 5:
        print(__doc__)
        return 2
    chapter, name, edited, summary = sys.argv[1:]
    root = pathlib.Path(__file__).resolve().parents[2]
    edited_path = pathlib.Path(edited)
    solution = root / "solutions" / chapter / edited_path.name
    before = solution.read_text().splitlines(keepends=True)
    after = edited_path.read_text().splitlines(keepends=True)
    diff = list(difflib.unified_diff(before, after, f"a/{edited_path.name}", f"b/{edited_path.name}"))
    if not diff:
        print(f"{edited} is the same as {solution}: no mistake in it", file=sys.stderr)
        return 1
    out = root / "tests" / "mistakes" / chapter / f"{name}.patch"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(summary.strip() + "\n\n" + "".join(diff))
    print(f"wrote {out.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
