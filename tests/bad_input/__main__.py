# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The sweep: run every bad-input case against a checkout and count the outcomes by kind.

python -m tests.bad_input [--root DIR] [--json FILE] [--only KIND]; DIR is a checkout (default: this one), for
instance an older commit exported with git archive, so that the same table measures before and after.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from tests.bad_input.cases import CASES, KINDS
from tests.bad_input.runner import OUTCOMES, run_cases

LABELS = {
    "clear": "refused clearly, before any change",
    "unclear": "refused before any change, the sentence hides the value or names another variable",
    "traceback": "a traceback",
    "later": "refused only after hosts had changed",
    "never": "never refused: a broken or weaker site, and a green run",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    parser.add_argument("--json", type=Path, help="write every case's outcome and sentence here")
    parser.add_argument("--only", choices=sorted(KINDS), action="append", help="run only these kinds")
    parser.add_argument("--entry", help="run only the cases of this entry (role, role:tomcat, site, verify, filter)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every case's outcome and sentence")
    parser.add_argument("--match", help="run only the cases whose id holds this text (kind/entry/slug)")
    args = parser.parse_args()
    cases = [
        c
        for c in CASES
        if (not args.only or c.kind in args.only)
        and (not args.match or args.match in c.id)
        and (not args.entry or c.entry.startswith(args.entry))
    ]
    started = time.monotonic()
    results = run_cases(args.root.resolve(), cases)
    elapsed = time.monotonic() - started
    by_kind = {kind: Counter() for kind in KINDS}
    for case in cases:
        by_kind[case.kind][results[case.id]["outcome"]] += 1
    width = max(len(k) for k in KINDS)
    print(f"{'kind':<{width}}  " + "  ".join(f"{o:>9}" for o in OUTCOMES) + "      all")
    for kind, counts in by_kind.items():
        if counts:
            cells = "  ".join(f"{counts[o]:>9}" for o in OUTCOMES)
            print(f"{kind:<{width}}  {cells}  {sum(counts.values()):>7}")
    total = Counter(results[c.id]["outcome"] for c in cases)
    print(f"{'all':<{width}}  " + "  ".join(f"{total[o]:>9}" for o in OUTCOMES) + f"  {len(cases):>7}")
    print()
    for outcome in OUTCOMES:
        print(f"{outcome:>9}: {LABELS[outcome]}")
    changed = [c.id for c in cases if results[c.id]["hosts"] != "unchanged"]
    print(f"\n{len(cases)} cases against {args.root} in {elapsed:.0f} s; hosts changed in: {changed or 'none'}")
    if args.verbose:
        for case in cases:
            result = results[case.id]
            print(f"{result['outcome']:>9} {case.id}: {' '.join((result['message'] or '').split())[:400]}")
    if args.json:
        args.json.write_text(json.dumps({c.id: results[c.id] for c in cases}, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
