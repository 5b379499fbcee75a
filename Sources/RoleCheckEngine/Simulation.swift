import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules

/// Support for `rolecheck simulate`: reading policy files for a question to the evaluator.
public enum Simulation {
    /// Why a policy file cannot be used, with its position.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Reads one policy from a file: a raw policy (JSON or YAML), or a CLI export that holds
    /// exactly one (`get-role` for a trust policy, `get-role-policy`, `get-policy-version`,
    /// `get-bucket-policy`). `kind` is used for a raw policy; an export decides its own.
    public static func loadPolicy(_ file: SourceFile, kind: PolicyKind) -> Result<(PolicyDocument, [Finding]), LoadError> {
        let loaded = DocumentLoader.load(file)
        if let error = loaded.error {
            let p = file.position(ofOffset: error.offset)
            return .failure(LoadError(message: "\(file.path):\(p.line):\(p.column): invalid \(loaded.format.displayName): \(error.message)"))
        }
        guard loaded.documents.count == 1, let doc = loaded.documents.first else {
            return .failure(LoadError(message: "\(file.path): expected one policy document, found \(loaded.documents.count) documents"))
        }
        let root = doc.root
        var model = ModelBuilder()
        var policy: PolicyDocument
        switch DocumentClassifier.classify(doc) {
        case .iamPolicy?:
            policy = PolicyDocument.parse(root, kind: kind, label: "\(kindName(kind)) \(file.path)")
        case let k? where DocumentKind.policyBearing.contains(k):
            model.add(ClassifiedDocument(document: doc, kind: k))
            guard model.policies.count == 1 else {
                if let f = model.problems.first?.finding { return .failure(LoadError(message: describe(f))) }
                return .failure(LoadError(message: "\(file.path): holds \(model.policies.count) policies; give a file with exactly one"))
            }
            policy = model.policies[0]
        default:
            return .failure(LoadError(message: "\(file.path): not an IAM policy (expected Version and Statement, or a get-role, get-role-policy, get-policy-version or get-bucket-policy export)"))
        }
        let findings = model.problems.map(\.finding) + policy.problems.map(\.finding)
        if let first = findings.first(where: { $0.severity == .error }) {
            return .failure(LoadError(message: describe(first) + " — IAM would reject this policy"))
        }
        policy = PolicyDocument.parse(policy.root, kind: policy.kind, label: policy.label.hasPrefix("policy ") ? "\(kindName(policy.kind)) \(file.path)" : policy.label, origin: policy.origin)
        return .success((policy, findings))
    }

    static func kindName(_ kind: PolicyKind) -> String {
        switch kind {
        case .identity: "identity policy"
        case .trust: "trust policy"
        case .resource: "resource policy"
        }
    }

    static func describe(_ f: Finding) -> String {
        "\(f.location.file):\(f.location.range.start.line):\(f.location.range.start.column): \(f.severity.rawValue)[\(f.ruleId)]: \(f.message)"
    }

    /// Parses `KEY=VALUE` context arguments; a key given several times is multi-valued.
    public static func context(_ pairs: [String]) -> Result<RequestContext, LoadError> {
        var c = RequestContext()
        for pair in pairs {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                return .failure(LoadError(message: "--context \(pair): expected KEY=VALUE, such as aws:SourceIp=10.0.0.1"))
            }
            c.add(String(pair[..<eq]), String(pair[pair.index(after: eq)...]))
        }
        return .success(c)
    }

    /// A note when the simulated action is not in the catalog (nil when it is, or has wildcards).
    public static func unknownActionNote(_ action: String, catalog: IAMCatalog) -> String? {
        guard action.contains(":"), !Wildcard.hasWildcard(action), catalog.action(action) == nil else { return nil }
        let service = String(action.prefix { $0 != ":" })
        let what = catalog.hasService(service) ? "action \(action) is not" : "service \(service) is not"
        let hint = catalog.suggestions(forUnknownAction: action).first.map { "; did you mean \($0)?" } ?? ""
        return "\(what) in the IAM catalog of \(catalog.dataDate)\(hint) (the evaluator matches it as written)"
    }

    /// The decision in a few lines of text; a `--catalog` overlay is named on a last line.
    public static func text(_ request: AccessRequest, _ result: EvaluationResult, catalog: IAMCatalog = .shared) -> String {
        var out = "decision: \(result.decision.rawValue)\n"
        out += "  \(request.principal) \(result.allowed ? "may" : "may not") \(request.action) on \(request.resource)"
        if result.crossAccount { out += " (cross-account)" }
        out += "\n"
        // The primary reason, chosen and worded as lint's findings choose and word it.
        out += "because: \(result.because())\n"
        // Denies first, then what is missing, what allows, and what was considered and set aside.
        let order: [EvaluationReason.Role] = [.denies, .missing, .allows, .doesNotApply]
        let shown = order.flatMap { role in result.reasons.filter { $0.role == role } }
        if !shown.isEmpty { out += "reasons:\n" }
        for r in shown {
            var line = "  - \(r.role.rawValue): \(r.message)"
            if let node = r.node {
                let p = node.range.start
                line += " (\(node.document.file.path):\(p.line):\(p.column))"
            }
            out += line + "\n"
        }
        if catalog.info.directory != nil { out += CatalogDirectory.describe(catalog) + "\n" }
        return out
    }

    /// The decision as JSON: `{"decision": …, "request": {…}, "reasons": [...]}`.
    public static func json(_ request: AccessRequest, _ result: EvaluationResult, catalog: IAMCatalog = .shared) -> String {
        var reasons: [JSONValue] = []
        for r in result.reasons {
            var location: JSONValue = .null
            if let node = r.node {
                let range = node.range
                location = .object([
                    ("file", .string(node.document.file.path)),
                    ("line", .int(range.start.line)),
                    ("column", .int(range.start.column)),
                    ("pointer", .string(node.fullPointer)),
                ])
            }
            reasons.append(.object([
                ("kind", .string(r.role.rawValue)),
                ("message", .string(r.message)),
                ("policy", r.policyLabel.map { .string($0) } ?? .null),
                ("location", location),
            ]))
        }
        let context: [(String, JSONValue)] = request.context.keys.map { key in
            (key, .array((request.context.values(key) ?? []).map { .string($0) }))
        }
        let value: JSONValue = .object([
            ("decision", .string(result.decision.rawValue)),
            ("request", .object([
                ("principal", .string(request.principal)),
                ("action", .string(request.action)),
                ("resource", .string(request.resource)),
                ("resourceAccount", request.resourceAccount.map { .string($0) } ?? .null),
                ("crossAccount", .bool(result.crossAccount)),
                ("context", .object(context)),
            ])),
            ("because", .string(result.because())),
            ("reasons", .array(reasons)),
            ("iamCatalog", CatalogDirectory.jsonValue(catalog)),
        ])
        return JSONWriter().document(value)
    }
}
