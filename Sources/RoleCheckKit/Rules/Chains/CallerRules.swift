/// RC306: the caller (Studio execution role, or access role in option 1) may not call
/// `GetClusterSessionCredentials` on the cluster with the runtime role.
public struct RC306SessionCredentials: SetupRule {
    public let id = "RC306"
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        for f in setup.chainFacts {
            guard let caller = f.caller, let callerArn = f.callerArn else { continue }
            guard seen.insert("\(callerArn)|\(f.chain.cluster.effectiveArn)|\(f.chain.runtimeRoleArn)").inserted else { continue }
            var c = RequestContext()
            c.add("elasticmapreduce:ExecutionRoleArn", f.chain.runtimeRoleArn)
            guard let result = ChainQuestions.ask(setup, caller: caller, callerArn: callerArn,
                                                  action: "elasticmapreduce:GetClusterSessionCredentials",
                                                  resource: f.chain.cluster.effectiveArn, resourcePolicy: nil, context: c),
                  !result.allowed else { continue }
            let at = ChainQuestions.target(result, in: nil) ?? ChainQuestions.statementHome(setup, role: caller, services: ["elasticmapreduce"])
            // Several clusters failing at the same place for the same role (a condition that
            // misses the role) are one finding.
            guard seen.insert("at|\(callerArn)|\(f.chain.runtimeRoleArn)|\(at.document.file.path)|\(at.index)").inserted else { continue }
            let who = f.chain.option == .option1 ? "the EMR access role \(caller.name)" : "the Studio execution role \(caller.name)"
            context.report("hop \(f.chain.option == .option1 ? "access role" : "Studio") → cluster: \(who) may not call elasticmapreduce:GetClusterSessionCredentials on \(f.chain.cluster.label) with elasticmapreduce:ExecutionRoleArn = \(f.chain.runtimeRoleArn): \(ChainQuestions.why(result, about: nil)); allow the action on the cluster with a condition listing this runtime role",
                           at: at, related: ChainQuestions.related(f, except: at), identity: "\(caller.name)|\(f.chain.runtimeRoleArn)")
        }
    }
}

/// RC308: the caller lacks the cluster discovery permissions Studio uses.
public struct RC308DiscoveryPermissions: SetupRule {
    public let id = "RC308"
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        for f in setup.chainFacts {
            guard let caller = f.caller, let callerArn = f.callerArn,
                  seen.insert("\(callerArn)|\(f.chain.cluster.effectiveArn)").inserted else { continue }
            let questions: [(String, String)] = [
                ("elasticmapreduce:ListClusters", "*"),
                ("elasticmapreduce:DescribeCluster", f.chain.cluster.effectiveArn),
                ("elasticmapreduce:ListInstanceGroups", f.chain.cluster.effectiveArn),
                ("elasticmapreduce:DescribeSecurityConfiguration", "*"),
            ]
            var missing: [String] = []
            var near: Node?
            for (action, resource) in questions {
                guard let r = ChainQuestions.ask(setup, caller: caller, callerArn: callerArn, action: action, resource: resource,
                                                 resourcePolicy: nil) else { missing = []; break }
                if !r.allowed {
                    missing.append(action)
                    // A statement that lists the action but not this resource (or whose condition fails).
                    near = near ?? r.reasons.first { $0.role == .doesNotApply && $0.mismatch != .action && $0.mismatch != .effect }?.node
                }
            }
            guard !missing.isEmpty else { continue }
            let at = near ?? ChainQuestions.statementHome(setup, role: caller, services: ["elasticmapreduce"])
            // The same gap seen from several clusters is one finding.
            guard seen.insert("at|\(callerArn)|\(missing)|\(at.document.file.path)|\(at.index)").inserted else { continue }
            let who = f.chain.option == .option1 ? "the EMR access role \(caller.name)" : "the Studio execution role \(caller.name)"
            let unscoped = missing.filter { $0 == "elasticmapreduce:ListClusters" || $0 == "elasticmapreduce:DescribeSecurityConfiguration" }
            let hint = unscoped.isEmpty || near == nil ? "" : " (\(unscoped.joined(separator: " and ")) take\(unscoped.count == 1 ? "s" : "") no resource ARN: only \"Resource\": \"*\" grants \(unscoped.count == 1 ? "it" : "them"))"
            context.report("hop \(f.chain.option == .option1 ? "access role" : "Studio") → cluster: \(who) may not call \(missing.joined(separator: ", ")) on \(f.chain.cluster.label)\(hint): Studio uses these to list the cluster and read its settings, so the cluster may not show up, or fail to connect, for \(f.chain.studio.label)",
                           at: at, related: ChainQuestions.related(f, except: at), identity: "\(caller.name)|\(missing)")
        }
    }
}

/// RC309: no runtime role is preloaded for a cluster the Studio user reaches.
public struct RC309NotPreloaded: SetupRule {
    public let id = "RC309"
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        let r = setup.resources
        for c in setup.studioContexts {
            // Studio Classic's configuration file lives on the user's home volume, not in an AWS
            // export: when none is among the inputs, whether roles are preloaded is unknown.
            if c.app == .classic && r.classicRoleConfigs.isEmpty { continue }
            var accounts: Set<String> = []
            for cluster in ChainBuilder.reachable(c, r.clusters) where ChainBuilder.offered(c, for: cluster).isEmpty {
                guard accounts.insert(cluster.account ?? "?").inserted else { continue }
                // JupyterLab listing runtime roles of other accounts for a cluster of its own
                // account is option 3, which the UI filters out: RC406 warns about it, and whether
                // it fails is observed behaviour, not documented, so this is a warning too.
                let optionThree = c.app == .jupyterLab && cluster.account == ChainBuilder.studioAccount(c)
                    && c.runtimeRoles.contains { $0.clusterAccount == nil && $0.list.arns.contains { ARN($0.arn)?.account != cluster.account } }
                let where_ = c.app == .classic
                    ? "emr-configurations-DO_NOT_DELETE.json (emr-execution-role-arns keyed by \(cluster.account ?? "the cluster's account"))"
                    : "EmrSettings.ExecutionRoleArns (a role of account \(cluster.account ?? "?"))"
                let consequence = c.app == .classic
                    ? "Studio Classic then connects with the execution role itself, not a runtime role"
                    : "the JupyterLab app refuses the connection (\"No available EMR execution role found for the cluster\")"
                var related = [RelatedLocation(location: Location(node: cluster.node), message: cluster.label)]
                var shadowed = ""
                // The JupyterLab extension reads the profile's EmrSettings and falls back to the
                // domain's only when both of the profile's lists are empty: say so when the domain
                // has the role the profile hides.
                if c.app == .jupyterLab,
                   let profile = r.userProfiles.first(where: { $0.node.document === c.node.document && $0.node.index == c.node.index }),
                   let list = r.domains.first(where: { $0.id == profile.domainId })?.defaults.executionRoles,
                   let hidden = list.arns.first(where: { ARN($0.arn)?.account == cluster.account }) {
                    shadowed = "; the domain's EmrSettings list \(StatementMatcher.roleName(hidden.arn)), but a user profile with EmrSettings of its own does not inherit the domain's lists (they are not merged)"
                    related.append(RelatedLocation(location: Location(node: hidden.node), message: "the domain's runtime role, not used for this profile"))
                }
                context.report("\(c.label) preloads no runtime role for \(cluster.label) in account \(cluster.account ?? "?"): \(consequence)\(shadowed); add the runtime roles to \(where_)",
                               at: c.preloadNode, severity: c.app == .classic || optionThree ? .warning : nil,
                               related: related,
                               identity: "\(c.label)|\(cluster.account ?? "?")")
            }
            // A user profile with EmrSettings of its own replaces the domain's lists: runtime
            // roles the domain preloads for a reachable cluster and the profile does not list are
            // not offered to this user. That may be a deliberate restriction, hence a warning.
            guard c.app == .jupyterLab,
                  let profile = r.userProfiles.first(where: { $0.node.document === c.node.document && $0.node.index == c.node.index }),
                  !(profile.settings.executionRoles?.isEmpty ?? true) || !(profile.settings.assumableRoles?.isEmpty ?? true),
                  let domainList = r.domains.first(where: { $0.id == profile.domainId })?.defaults.executionRoles else { continue }
            let own = Set((profile.settings.executionRoles?.arns ?? []).map(\.arn))
            let reached = ChainBuilder.reachable(c, r.clusters).filter { !ChainBuilder.offered(c, for: $0).isEmpty }
            for hidden in domainList.arns where !own.contains(hidden.arn) {
                guard let cluster = reached.first(where: { ARN(hidden.arn)?.account == $0.account }) else { continue }
                context.report("\(c.label) is not offered runtime role \(StatementMatcher.roleName(hidden.arn)) for \(cluster.label): the domain's EmrSettings list it, but this user profile has EmrSettings of its own, which replace the domain's lists (they are not merged); add it to the profile's EmrSettings.ExecutionRoleArns if the user should have it",
                               at: c.preloadNode, severity: .warning,
                               related: [RelatedLocation(location: Location(node: hidden.node), message: "the domain's runtime role, not used for this profile")],
                               identity: "\(c.label)|hidden|\(hidden.arn)")
            }
        }
    }
}

/// RC310: Lake Formation is configured but the runtime role lacks `lakeformation:GetDataAccess`
/// or `glue:Get*`.
public struct RC310LakeFormationPermissions: SetupRule {
    public let id = "RC310"
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        for f in setup.chainFacts where f.lakeFormationTag != nil {
            guard let rt = f.runtimeRole, let arn = rt.effectiveArn, seen.insert(arn).inserted else { continue }
            var missing: [String] = []
            var near: Node?
            for action in ["lakeformation:GetDataAccess", "glue:GetTable", "glue:GetDatabase"] {
                guard let result = ChainQuestions.ask(setup, caller: rt, callerArn: arn, action: action, resource: "*", resourcePolicy: nil) else {
                    missing = []
                    break
                }
                if !result.allowed {
                    missing.append(action)
                    near = near ?? result.reasons.first { $0.role == .denies }?.node
                        ?? result.reasons.first { $0.role == .doesNotApply && $0.mismatch != .action && $0.mismatch != .effect }?.node
                }
            }
            guard !missing.isEmpty else { continue }
            let at = near ?? ChainQuestions.statementHome(setup, role: rt, services: ["lakeformation", "glue"])
            context.report("hop runtime role → data: the cluster's security configuration enables Lake Formation, but runtime role \(rt.name) may not call \(missing.joined(separator: ", ")); Lake Formation grants alone are not enough: allow lakeformation:GetDataAccess and glue:Get* on \"*\"",
                           at: at, related: ChainQuestions.related(f, except: at), identity: "\(rt.name)|\(missing)")
        }
    }
}

/// RC311: the Lake Formation session tag does not line up.
public struct RC311LakeFormationTag: SetupRule {
    public let id = "RC311"
    public init() {}
    static let expected = "Amazon EMR"

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        // A configured value other than "Amazon EMR" is one finding, at the value; the other ends
        // that expect "Amazon EMR" are its related locations, not findings of their own.
        var wrongValues: [(key: String, tag: (value: String, node: Node), facts: ChainFacts, related: [RelatedLocation])] = []
        func attach(_ tag: (value: String, node: Node), _ related: RelatedLocation) {
            let key = "\(tag.node.document.file.path)|\(tag.node.fullPointer)"
            if let i = wrongValues.firstIndex(where: { $0.key == key }) { wrongValues[i].related.append(related) }
        }
        for f in setup.chainFacts {
            guard let tag = f.lakeFormationTag else { continue }
            let wrongValue = tag.value != Self.expected
            if wrongValue, seen.insert("value|\(tag.node.fullPointer)|\(tag.node.document.file.path)").inserted {
                wrongValues.append(("\(tag.node.document.file.path)|\(tag.node.fullPointer)", tag, f, []))
            }
            if let lf = setup.resources.lakeFormationSettings(account: f.runtimeRole?.account ?? f.chain.cluster.account),
               !lf.authorizedSessionTagValues.isEmpty, !lf.authorizedSessionTagValues.contains(where: { $0.value == tag.value }),
               seen.insert("lf|\(lf.node.document.file.path)").inserted {
                let at = lf.authorizedSessionTagValueNode ?? lf.node
                if wrongValue, lf.authorizedSessionTagValues.contains(where: { $0.value == Self.expected }) {
                    attach(tag, RelatedLocation(location: Location(node: at), message: "Lake Formation expects \"\(Self.expected)\" here"))
                } else {
                    context.report("Lake Formation accepts session tag values \(lf.authorizedSessionTagValues.map { "\"\($0.value)\"" }.joined(separator: ", ")), but the cluster's security configuration tags sessions \"\(tag.value)\", so Lake Formation does not recognise EMR as an authorised engine; \(wrongValue ? "use" : "add") \"\(Self.expected)\" in Lake Formation's application integration settings (session tag values)\(wrongValue ? " and in the security configuration" : "")",
                                   at: at, related: [RelatedLocation(location: Location(node: tag.node), message: "the configured tag")])
                }
            }
            guard let ip = f.instanceProfileRole, let rt = f.runtimeRole, let trust = rt.trust else { continue }
            let result = RuntimeRoleTrust.trustAllows("sts:TagSession", ip: ip, runtime: rt, trust: trust, context: RuntimeRoleTrust.tagContext(f))
            if result.resourceAllows != true,
               let failing = result.reasons.first(where: { $0.role == .doesNotApply && $0.mismatch.map(RC302RuntimeTrustTagSession.isTagCondition) == true }),
               let node = failing.node, seen.insert("trust|\(rt.name)").inserted {
                var expected = RequestContext()
                expected.add("aws:RequestTag/LakeFormationAuthorizedCaller", Self.expected)
                expected.add("aws:TagKeys", "LakeFormationAuthorizedCaller")
                if wrongValue, RuntimeRoleTrust.trustAllows("sts:TagSession", ip: ip, runtime: rt, trust: trust, context: expected).resourceAllows == true {
                    attach(tag, RelatedLocation(location: Location(node: node), message: "the trust of runtime role \(rt.name) expects \"\(Self.expected)\" here"))
                } else {
                    context.report("the trust policy of runtime role \(rt.name) allows sts:TagSession only with another LakeFormationAuthorizedCaller value than the \"\(tag.value)\" the cluster sends (\(failing.message)); make the condition accept \"\(Self.expected)\"\(wrongValue ? ", the value the security configuration should send" : ", the value the cluster sends")",
                                   at: node, related: [RelatedLocation(location: Location(node: tag.node), message: "the tag value the cluster sends")])
                }
            }
        }
        for w in wrongValues {
            context.report("AuthorizedSessionTagValue is \"\(w.tag.value)\", but Lake Formation authorizes EMR sessions tagged \"\(Self.expected)\" (the value its application integration settings expect)\(w.related.isEmpty ? "" : ", and the Lake Formation settings or runtime-role trusts among the inputs expect it too"); set it to \"\(Self.expected)\" (in a new security configuration: a cluster's is fixed at launch)",
                           at: w.tag.node, related: w.related + ChainQuestions.related(w.facts, except: w.tag.node))
        }
    }
}

/// RC312: Studio propagates the source identity, but a role it assumes does not allow
/// `sts:SetSourceIdentity`.
public struct RC312StudioSourceIdentity: SetupRule {
    public let id = "RC312"
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        for f in setup.chainFacts where f.chain.studio.propagatesSourceIdentity && f.chain.option == .option1 {
            guard let access = f.accessRole, let trust = access.trust, let studioArn = f.chain.studio.executionRoleArn,
                  seen.insert("\(studioArn)|\(access.name)").inserted else { continue }
            var c = RequestContext()
            c.add("sts:SourceIdentity", "studio-user")
            let result = ChainQuestions.trustAllows(callerArn: studioArn, "sts:SetSourceIdentity", role: access, trust: trust, context: c)
            // A trust that does not let the Studio execution role in at all is RC401's finding.
            let assume = ChainQuestions.trustAllows(callerArn: studioArn, "sts:AssumeRole", role: access, trust: trust)
            guard assume.resourceAllows == true else { continue }
            func related(_ at: Node) -> [RelatedLocation] {
                var out = ChainQuestions.related(f, except: at)
                if let n = f.chain.studio.sourceIdentityNode { out.insert(RelatedLocation(location: Location(node: n), message: "the domain propagates the user's name as source identity"), at: 0) }
                return out
            }
            if result.resourceAllows != true {
                let at = RuntimeRoleTrust.whereToAdd(result, assume: assume, trust: trust)
                context.report("hop Studio → access role (option 1): the domain sets ExecutionRoleIdentityConfig to USER_PROFILE_NAME, so Studio sets a source identity when it assumes access role \(access.name), but its trust policy does not allow sts:SetSourceIdentity (\(ChainQuestions.why(result, about: trust))); the assume-role call fails with AccessDenied. Allow sts:SetSourceIdentity to the Studio execution role in the trust",
                               at: at, related: related(at), identity: access.name)
                continue
            }
            // Across accounts the Studio execution role's own policy must allow it too.
            guard let studio = f.studioRole,
                  let full = ChainQuestions.ask(setup, caller: studio, callerArn: studioArn, action: "sts:SetSourceIdentity",
                                                resource: access.effectiveArn ?? "*", resourcePolicy: trust, context: c),
                  !full.allowed else { continue }
            // A statement that tried (its Resource or condition); else the Action of the statement
            // that lets the execution role assume the access role, where the action belongs.
            let granting = ChainQuestions.ask(setup, caller: studio, callerArn: studioArn, action: "sts:AssumeRole",
                                              resource: access.effectiveArn ?? "*", resourcePolicy: trust)?
                .reasons.first { $0.role == .allows && $0.policy !== trust }?.statement?.action?.node
            let at = full.reasons.first { $0.role == .doesNotApply && $0.policy !== trust && $0.mismatch != .action && $0.mismatch != .effect }?.node
                ?? granting ?? ChainQuestions.statementHome(setup, role: studio, services: ["sts"])
            context.report("hop Studio → access role (option 1): the domain sets ExecutionRoleIdentityConfig to USER_PROFILE_NAME, so Studio sets a source identity when it assumes access role \(access.name); its trust allows that, but the Studio execution role \(studio.name) may not call sts:SetSourceIdentity on it (\(ChainQuestions.why(full, about: nil))); across accounts both sides must allow it: add sts:SetSourceIdentity on \(access.effectiveArn ?? access.name) to the execution role's policy",
                           at: at, related: related(at), identity: "\(studio.name)|\(access.name)|identity")
        }
    }
}

/// RC313: an `elasticmapreduce:ExecutionRoleArn` condition that matches far more than intended.
public struct RC313BroadExecutionRoleCondition: PolicyRule {
    public let id = "RC313"
    public init() {}

    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) {
        guard policy.kind == .identity else { return }
        for s in policy.statements where s.effect == .allow {
            for c in s.conditions where RC307UnconditionedExecutionRole.restricts(c) {
                for v in c.values {
                    guard let why = Self.breadth(v.text) else { continue }
                    context.report("the elasticmapreduce:ExecutionRoleArn condition \"\(v.text)\" in \(s.label) of \(policy.label) matches \(why): the caller may pass any of them as its runtime role; list the runtime roles (or a narrow name prefix such as role/emr-runtime-analytics-*)",
                                   at: v.node)
                }
            }
        }
    }

    /// What a pattern covers when it is too broad, else nil.
    static func breadth(_ pattern: String) -> String? {
        if pattern == "*" || pattern == "arn:*" || pattern.hasPrefix("arn:aws:iam::*") || pattern.hasPrefix("arn:*") {
            return "roles of every account"
        }
        guard let arn = ARN(pattern), arn.service == "iam" || Wildcard.hasWildcard(arn.service) else { return nil }
        if Wildcard.hasWildcard(arn.account) { return "roles of every account" }
        let resource = arn.resource
        if resource == "*" || resource == "role/*" || resource == "role*" || resource == "*/*" { return "every role of account \(arn.account)" }
        return nil
    }
}
