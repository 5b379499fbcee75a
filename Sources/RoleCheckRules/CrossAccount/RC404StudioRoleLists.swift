import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC404: Studio's role lists must have the shape Studio reads: account-ID keys, IAM role ARNs,
/// no duplicates, at most five entries where AWS says so. CLI exports are checked as written (types
/// included); Terraform's `emr_settings` lists, typed by Terraform, through the typed settings.
public struct RC404StudioRoleLists: DocumentRule {
    public let id: RuleID = .RC404
    public let kinds: Set<DocumentKind> = [.studioExecutionRoleConfiguration, .studioDiscoveryConfiguration,
                                           .describeDomain, .describeUserProfile, .terraformJSON]

    public init() {}

    static let limit = 5

    public func check(_ document: ClassifiedDocument, in setup: Setup, _ context: inout RuleContext) {
        let before = context.findings.count
        checkLists(document, setup, &context)
        // The lists belong to the Studio users that read them.
        context.attach(setup.studioSubjects(in: document.document), toFindingsFrom: before)
    }

    func checkLists(_ document: ClassifiedDocument, _ setup: Setup, _ context: inout RuleContext) {
        let root = document.root
        switch document.kind {
        case .studioExecutionRoleConfiguration:
            if let map = root["emr-execution-role-arns"] { checkClassicRoles(map, &context) }
        case .studioDiscoveryConfiguration:
            checkDiscovery(root, &context)
        case .describeDomain:
            for settings in ["DefaultUserSettings", "DefaultSpaceSettings"] {
                checkEmrSettings(root[settings]?["JupyterLabAppSettings"]?["EmrSettings"], owner: "domain \(root["DomainId"]?.string ?? "?") (\(settings))", &context)
            }
        case .describeUserProfile:
            checkEmrSettings(root["UserSettings"]?["JupyterLabAppSettings"]?["EmrSettings"],
                             owner: "user profile \(root["UserProfileName"]?.string ?? "?")", &context)
        case .terraformJSON:
            checkTerraform(document, setup.resources, &context)
        default:
            break
        }
    }

    /// `emr-configurations-DO_NOT_DELETE.json`: `{"emr-execution-role-arns": {"<account>": [role ARN, …]}}`.
    func checkClassicRoles(_ map: Node, _ context: inout RuleContext) {
        let file = "Studio Classic's emr-configurations-DO_NOT_DELETE.json"
        let members = map.members
        for (i, (key, value)) in members.enumerated() {
            let account = key.scalarText ?? ""
            if i == Self.limit {
                context.report("\(file) preloads runtime roles for \(members.count) cluster accounts; AWS documents at most \(Self.limit) cross-account entries for Studio, so the accounts from here on may be ignored. Keep at most \(Self.limit) accounts",
                               at: key, severity: .warning, identity: "accounts>\(Self.limit)")
            }
            if !ARN.isAccountID(account) {
                let hint = account.hasPrefix("arn:") ? " (an ARN; the key is the cluster account's ID alone)" : ""
                context.report("\(file): key \"\(account)\" is not a 12-digit AWS account ID\(hint); Studio looks runtime roles up by the ID of the cluster's account, so these roles are never offered. Write the cluster account's 12-digit ID",
                               at: key, identity: "key|\(account)")
            }
            switch value.kind {
            case .array:
                checkList(value.elements, what: "the runtime roles for account \(account) in \(file)", hardLimit: false, &context)
            case .string:
                context.report("\(file): the runtime roles for account \(account) are a single string, not a list; write [\"\(value.string ?? "")\"], the form AWS documents",
                               at: value, severity: .warning, identity: "string|\(account)")
                if let text = value.string, let problem = RoleArnCheck.problem(text) {
                    context.report("\(file): \"\(text)\" \(problem); Studio offers only IAM role ARNs (arn:aws:iam::<account>:role/<name>) as runtime roles",
                                   at: value)
                }
            default:
                context.report("\(file): the runtime roles for account \(account) are \(value.describedValue), not a list of IAM role ARNs; write [\"arn:aws:iam::\(ARN.isAccountID(account) ? account : "<account>"):role/<runtime role>\"]",
                               at: value, identity: "type|\(account)")
            }
        }
    }

    /// `emr-discovery-iam-role-arns-DO_NOT_DELETE.json`: `{"<account>": "<access role ARN>"}`.
    func checkDiscovery(_ root: Node, _ context: inout RuleContext) {
        let file = "Studio Classic's emr-discovery-iam-role-arns-DO_NOT_DELETE.json"
        let members = root.members
        for (i, (key, value)) in members.enumerated() {
            let account = key.scalarText ?? ""
            if i == Self.limit {
                context.report("\(file) names \(members.count) accounts; Studio supports at most \(Self.limit) cross-account entries. Keep at most \(Self.limit)",
                               at: key, identity: "accounts>\(Self.limit)")
            }
            if !ARN.isAccountID(account) {
                context.report("\(file): key \"\(account)\" is not a 12-digit AWS account ID; write the ID of the account whose clusters this role discovers",
                               at: key, identity: "key|\(account)")
            }
            guard let text = value.string else {
                context.report("\(file): the entry for account \(account) is \(value.describedValue); it must be a single role ARN string (not a list)",
                               at: value, identity: "type|\(account)")
                continue
            }
            if let problem = RoleArnCheck.problem(text) {
                context.report("\(file): \"\(text)\" \(problem); Studio assumes this role to discover and connect to the account's clusters, so it must be an IAM role ARN (arn:aws:iam::\(ARN.isAccountID(account) ? account : "<account>"):role/<name>)",
                               at: value)
            } else if let roleAccount = ARN(text)?.account, ARN.isAccountID(account), roleAccount != account {
                context.report("\(file): the access role for account \(account) is in account \(roleAccount); Studio assumes it to reach the clusters of \(account), so it belongs to that account (write that account's access role, or key this entry by \(roleAccount))",
                               at: value, severity: .warning)
            }
        }
    }

    /// `JupyterLabAppSettings.EmrSettings`: `AssumableRoleArns` and `ExecutionRoleArns`, each a
    /// list of at most five role ARNs.
    func checkEmrSettings(_ emr: Node?, owner: String, _ context: inout RuleContext) {
        guard let emr, !emr.isNull else { return }
        guard emr.kind == .object else {
            context.report("EmrSettings of \(owner) is \(emr.describedValue), not an object with AssumableRoleArns and ExecutionRoleArns",
                           at: emr, identity: "EmrSettings")
            return
        }
        for field in ["AssumableRoleArns", "ExecutionRoleArns"] {
            guard let list = emr[field], !list.isNull else { continue }
            guard list.kind == .array else {
                let hint = list.kind == .string ? "; write [\"\(list.string ?? "")\"]" : ""
                context.report("EmrSettings.\(field) of \(owner) is \(list.describedValue), not a list of IAM role ARNs\(hint)",
                               at: list, identity: field)
                continue
            }
            checkList(list.elements, what: "EmrSettings.\(field) of \(owner)", hardLimit: true, &context)
        }
    }

    /// A Terraform document's domains and user profiles: their `emr_settings` lists, as the
    /// typed settings hold them. Terraform has typed them already (lists of strings), so only
    /// the values are checked; an element known only after apply is the role the configuration
    /// references, or the settings were left out of the model (not judged).
    func checkTerraform(_ document: ClassifiedDocument, _ r: SetupResources, _ context: inout RuleContext) {
        func mine(_ n: Node) -> Bool { n.document === document.document }
        func address(_ n: Node) -> String { n["address"]?.string.map { " (\($0))" } ?? "" }
        for domain in r.domains where mine(domain.node) {
            let settings: [(String, StudioSettings?)] = [("default_user_settings", domain.defaults), ("default_space_settings", domain.defaultSpaceSettings)]
            for (key, s) in settings {
                guard let s else { continue }
                checkRoleLists(s, owner: "domain \(domain.id) (\(key))\(address(domain.node))", &context)
            }
        }
        for profile in r.userProfiles where mine(profile.node) {
            checkRoleLists(profile.settings, owner: "user profile \(profile.name)\(address(profile.node))", &context)
        }
    }

    func checkRoleLists(_ s: StudioSettings, owner: String, _ context: inout RuleContext) {
        for (field, list) in [("assumable_role_arns", s.assumableRoles), ("execution_role_arns", s.executionRoles)] {
            guard let list else { continue }
            checkList(list.arns.map { ($0.arn, $0.node) }, what: "emr_settings.\(field) of \(owner)", hardLimit: true, &context)
        }
    }

    /// A duplicate's removal from the list that holds it.
    static func removal(of item: Node) -> Fix? {
        guard let list = item.parent, list.kind == .array,
              let index = list.elements.firstIndex(where: { $0.isSame(item) }) else { return nil }
        return Fix.of("remove the duplicate \(item.string ?? "entry")", [list.removingElement(at: index)])
    }

    /// Items of a list of role ARNs: each a role ARN, no duplicates, at most five.
    func checkList(_ items: [Node], what: String, hardLimit: Bool, _ context: inout RuleContext) {
        checkList(items.map { ($0.string, $0) }, what: what, hardLimit: hardLimit, &context)
    }

    /// The same, for items whose text is known apart from their node (Terraform: a role ARN
    /// worked out from the configuration's references).
    func checkList(_ items: [(text: String?, node: Node)], what: String, hardLimit: Bool, _ context: inout RuleContext) {
        var seen: [String: Node] = [:]
        for (i, (text, item)) in items.enumerated() {
            if i == Self.limit {
                if hardLimit {
                    context.report("\(what) has \(items.count) entries; SageMaker accepts at most \(Self.limit) (the update that sets it fails). Keep at most \(Self.limit) role ARNs",
                                   at: item, identity: "items>\(Self.limit)")
                } else {
                    context.report("\(what) has \(items.count) entries; AWS documents at most \(Self.limit) role ARNs for Studio's lists, so the entries from here on may be ignored. Keep at most \(Self.limit)",
                                   at: item, severity: .warning, identity: "items>\(Self.limit)")
                }
            }
            guard let text else {
                context.report("\(what): entry \(i + 1) is \(item.describedValue), not an IAM role ARN string",
                               at: item, identity: "type|\(i)")
                continue
            }
            if let problem = RoleArnCheck.problem(text) {
                context.report("\(what): \"\(text)\" \(problem); Studio offers only IAM role ARNs (arn:aws:iam::<account>:role/<name>)",
                               at: item)
            } else if let first = seen[text.lowercased()] {
                context.report("\(what) lists \(text) twice; the duplicate adds nothing and counts toward the limit of \(Self.limit). Remove it",
                               at: item, severity: .warning,
                               related: [RelatedLocation(location: Location(node: first), message: "first listed here")],
                               identity: "duplicate|\(text)", fix: Self.removal(of: item))
            } else {
                seen[text.lowercased()] = item
            }
        }
    }
}
