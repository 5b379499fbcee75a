/// The `rolecheck.yaml` every scaffold writes at its root: the accounts' names, which role or
/// bucket each raw policy document belongs to (AWS CLI format), and, for option 3 in the
/// JupyterLab app, the one finding the setup accepts, with its reason.
struct ScaffoldConfig {
    struct PolicyMapping {
        let file: String
        var role: String? = nil
        var trust = false
        var bucket: String? = nil
        var account: String? = nil

        init(file: String, role: String, trust: Bool) {
            self.file = file
            self.role = role
            self.trust = trust
        }

        init(file: String, bucket: String, account: String) {
            self.file = file
            self.bucket = bucket
            self.account = account
        }
    }

    /// A finding the setup accepts: where it is (file, JSON Pointer) and why.
    struct Suppression {
        let file: String
        let pointer: String?
        let rule: String
        let reason: String
    }

    let plan: ScaffoldPlan
    var mappings: [PolicyMapping] = []
    var suppressions: [Suppression] = []

    init(plan: ScaffoldPlan, mappings: [PolicyMapping] = [], suppressions: [Suppression] = []) {
        self.plan = plan
        self.mappings = mappings
        self.suppressions = suppressions
    }

    /// Option 3 in the JupyterLab app: the EMR panel offers only runtime roles of the cluster's
    /// account, so RC406 (the role cannot be picked there) and RC309 (the panel has no role for
    /// the cluster) report the arrangement itself; users connect with `%sm_analytics` instead.
    static func optionThree(file: String, pointer: String?) -> [Suppression] {
        let reason = "option 3 by design: the JupyterLab EMR panel offers only runtime roles of the cluster's account, so users connect with %sm_analytics emr connect (README.md, Connect)"
        return ["RC309", "RC406"].map { Suppression(file: file, pointer: pointer, rule: $0, reason: reason) }
    }

    func render() -> String {
        var setup: [(String, YNode)] = [
            ("accounts", .map(plan.accounts.map { ($0.account, .string($0.kind)) })),
        ]
        if !mappings.isEmpty {
            setup.append(("", .comment("Each policy document and the role (trust or permissions) or bucket it belongs to.")))
            setup.append(("policies", .seq(mappings.map { m in
                var entry: [(String, YNode)] = [("file", .string(m.file))]
                if let role = m.role {
                    entry.append(("role", .string(role)))
                    entry.append(("as", .string(m.trust ? "trust" : "permissions")))
                }
                if let bucket = m.bucket { entry.append(("bucket", .string(bucket))) }
                if let account = m.account { entry.append(("account", .string(account))) }
                return .map(entry)
            })))
        }
        var root: [(String, YNode)] = [
            ("", .comment("rolecheck's configuration for this scaffold: `rolecheck lint <this folder>` reads it.")),
            ("setup", .map(setup)),
        ]
        if !suppressions.isEmpty {
            root.append(("suppressions", .seq(suppressions.map { s in
                var entry: [(String, YNode)] = [("file", .string(s.file))]
                if let p = s.pointer { entry.append(("pointer", .string(p))) }
                entry.append(("rule", .string(s.rule)))
                entry.append(("reason", .string(s.reason)))
                return .map(entry)
            })))
        }
        return YAMLEmitter.document(.map(root))
    }
}
