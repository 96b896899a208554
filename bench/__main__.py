"""``python -m bench``: run every figure, print the table, write the JSON.

A figure that cannot run (a part of the product that is not there, a tool
that is missing) is reported as "not available" with the reason; it never
stops the others.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
import traceback
from pathlib import Path

from . import figures
from .load import tool_name
from .result import NotAvailable

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "results.json"


def _rows(result) -> list[dict]:
    return result if isinstance(result, list) else [result]


def run_all(selected: list[str] | None = None) -> list[dict]:
    rows = []
    for key, title, function in figures.ALL:
        if selected and key not in selected:
            continue
        started = time.perf_counter()
        print(f"running {key}: {title} ...", file=sys.stderr, flush=True)
        try:
            found = _rows(function())
        except NotAvailable as reason:
            found = [{"figure": title, "available": False, "reason": str(reason)}]
        except Exception as exc:  # one broken figure must not hide the others
            detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            found = [{"figure": title, "available": False, "reason": f"failed: {detail}"}]
        seconds = round(time.perf_counter() - started, 1)
        for row in found:
            row.setdefault("available", True)
            row["key"] = key
            row["seconds"] = seconds
        rows.extend(found)
    return rows


def _number(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and abs(value) < 100:
        return f"{value:.3g}"
    return f"{value:,.0f}" if isinstance(value, (int, float)) else str(value)


def format_table(rows: list[dict]) -> str:
    header = ("figure", "value", "baseline (same run)", "ratio", "target", "met")
    lines = []
    for row in rows:
        if not row["available"]:
            lines.append((row["figure"], "not available: " + row["reason"], "", "", "", ""))
            continue
        baseline = "-"
        if row.get("baseline"):
            baseline = f"{_number(row['baseline_value'])} {row['unit']} ({row['baseline']})"
        met = {True: "yes", False: "NO", None: "-"}[row["met"]]
        ratio = f"{row['ratio']}x" if row.get("ratio") is not None else "-"
        lines.append((row["figure"], f"{_number(row['value'])} {row['unit']}", baseline, ratio, row["target"], met))
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]
    # a "not available" reason may be long: let it run past its column
    out = [" | ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    out.append("-+-".join("-" * w for w in widths))
    for line in lines:
        if line[2:] == ("", "", "", ""):
            out.append(f"{line[0].ljust(widths[0])} | {line[1]}")
        else:
            out.append(" | ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip())
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where the JSON goes")
    parser.add_argument("--only", nargs="+", metavar="KEY",
                        help=f"run only these figures: {', '.join(k for k, _, _ in figures.ALL)}")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = run_all(args.only)
    total = time.perf_counter() - started
    print(format_table(rows))
    missed = [r["figure"] for r in rows if r["available"] and r["met"] is False]
    unavailable = [r["figure"] for r in rows if not r["available"]]
    print(f"\n{len(rows)} figures in {total:.0f} s; load generator: {tool_name()}; "
          f"not available: {len(unavailable)}")
    document = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seconds": round(total, 1),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": __import__("os").cpu_count(), "load": tool_name()},
        "figures": rows,
    }
    args.output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"results written to {args.output}")
    if missed:
        print("missed: " + "; ".join(missed))
    print(f"targets missed: {len(missed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
