"""Check results as JUnit XML, for a CI job that watches the providers."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from .verify import FAILED, SKIPPED, CheckResult


def junit_xml(results: list[CheckResult], target: str) -> str:
    suites = ET.Element("testsuites", name="mockserver verify")
    by_api: dict[str, list[CheckResult]] = {}
    for result in results:
        by_api.setdefault(result.api, []).append(result)
    for api, rows in by_api.items():
        suite = ET.SubElement(suites, "testsuite", name=f"verify.{api}", tests=str(len(rows)),
                              failures=str(sum(r.status == FAILED for r in rows)), errors="0",
                              skipped=str(sum(r.status == SKIPPED for r in rows)),
                              time=f"{sum(r.seconds for r in rows):.3f}")
        ET.SubElement(ET.SubElement(suite, "properties"), "property", name="target", value=target)
        for result in rows:
            case = ET.SubElement(suite, "testcase", classname=f"verify.{api}", name=result.name,
                                 time=f"{result.seconds:.3f}")
            if result.status == FAILED:
                failure = ET.SubElement(case, "failure", message=result.message,
                                        type="drift" if result.findings else "expectation")
                failure.text = "\n".join(f.line() for f in result.findings) or result.message
            elif result.status == SKIPPED:
                ET.SubElement(case, "skipped", message=result.message)
            if result.calls:
                ET.SubElement(case, "system-out").text = "\n".join(result.calls)
    for key in ("tests", "failures", "skipped"):
        suites.set(key, str(sum(int(s.get(key)) for s in suites.findall("testsuite"))))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def write_junit(path: Path, results: list[CheckResult], target: str) -> None:
    path.write_text(junit_xml(results, target), encoding="utf-8")
