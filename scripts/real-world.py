#!/usr/bin/env python3
"""Lints the real-world corpus (../shared/data/real-world) as a new user would and lists every
error and warning, for classification in docs/real-world.md.

    python3 scripts/real-world.py [--rolecheck PATH] [--corpus DIR] [--json]

Each file is linted alone, then each repository as one run. Prints, per run, the error and
warning findings (rule, severity, file:line:column, message) and a summary of counts. Files
rolecheck does not read (HCL .tf files, until it reads them) are listed as skipped.
"""
import argparse
import collections
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXTS = (".json", ".yaml", ".yml", ".template")


def lint(rolecheck, paths):
    r = subprocess.run([rolecheck, "lint", *paths, "--format", "json", "--fail-on", "never"],
                       capture_output=True, text=True, timeout=300)
    if r.returncode not in (0, 1):
        return None, r.stderr.strip()
    return json.loads(r.stdout), None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rolecheck", default=os.path.join(ROOT, ".build", "debug", "rolecheck"))
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "data", "real-world"))
    ap.add_argument("--json", action="store_true", help="print the findings as JSON")
    args = ap.parse_args()
    corpus = os.path.abspath(args.corpus)
    repos = sorted(d for d in os.listdir(corpus) if os.path.isdir(os.path.join(corpus, d)))
    rows = []
    totals = collections.Counter()
    for repo in repos:
        files = []
        for dirpath, _, names in os.walk(os.path.join(corpus, repo)):
            for n in sorted(names):
                if n.endswith(EXTS):
                    files.append(os.path.join(dirpath, n))
        files.sort()
        runs = [(os.path.relpath(f, corpus), [f]) for f in files] + [(repo + " (whole repository)", [os.path.join(corpus, repo)])]
        for label, paths in runs:
            report, error = lint(args.rolecheck, paths)
            if report is None:
                rows.append({"run": label, "error": error})
                continue
            for f in report["findings"]:
                if f["severity"] == "note":
                    continue
                loc = f["location"]
                rows.append({"run": label, "rule": f["ruleId"], "severity": f["severity"],
                             "at": f"{os.path.relpath(loc['file'], corpus) if os.path.isabs(loc['file']) else loc['file']}:{loc['line']}:{loc['column']}",
                             "message": f["message"]})
                totals[(label.endswith("(whole repository)"), f["severity"])] += 1
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    for r in rows:
        if "error" in r:
            print(f"{r['run']}: rolecheck failed: {r['error']}")
        else:
            print(f"{r['run']}: {r['severity']}[{r['rule']}] {r['at']}: {r['message'][:240]}")
    print()
    print(f"files alone: {totals[(False, 'error')]} errors, {totals[(False, 'warning')]} warnings")
    print(f"repositories as one run: {totals[(True, 'error')]} errors, {totals[(True, 'warning')]} warnings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
