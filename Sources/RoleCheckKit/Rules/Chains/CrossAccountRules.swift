/// RC400: the topology of each Studio → cluster → runtime role chain.
public struct RC400Topology: SetupRule {
    public let id = "RC400"
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        for f in setup.chainFacts where seen.insert(f.chain.label).inserted {
            var via = ""
            if let access = f.chain.accessRole { via = " through access role \(StatementMatcher.roleName(access.arn))" }
            context.report("\(f.chain.label): \(f.chain.option.rawValue) (\(f.chain.option.explanation))\(via)",
                           at: f.chain.runtimeRoleNode,
                           related: [RelatedLocation(location: Location(node: f.chain.cluster.node), message: f.chain.cluster.label)],
                           identity: f.chain.label)
        }
    }
}

/// RC401: option 1, the access role's trust does not let the Studio execution role assume it.
public struct RC401AccessRoleTrust: SetupRule {
    public let id = "RC401"
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        for f in setup.chainFacts where f.chain.option == .option1 {
            guard let access = f.accessRole, let trust = access.trust, let studioArn = f.chain.studio.executionRoleArn,
                  seen.insert("\(studioArn)|\(access.name)").inserted else { continue }
            let result = ChainQuestions.trustAllows(callerArn: studioArn, "sts:AssumeRole", role: access, trust: trust)
            guard result.resourceAllows != true else { continue }
            let at = ChainQuestions.target(result, in: trust) ?? trust.root
            var suggestion = f.chain.studio.app == .classic
                ? "trust the Studio account (arn:aws:iam::\(ARN(studioArn)?.account ?? "ACCOUNT"):root), as Studio Classic's documentation does, or the execution role \(studioArn)"
                : "trust the Studio execution role \(studioArn)"
            if f.chain.studio.propagatesSourceIdentity { suggestion += " with sts:AssumeRole and sts:SetSourceIdentity (the domain propagates the source identity)" }
            context.report("hop Studio → access role (option 1): the trust policy of access role \(access.name) does not let the Studio execution role \(StatementMatcher.roleName(studioArn)) call sts:AssumeRole (\(ChainQuestions.why(result, about: trust))); \(suggestion)",
                           at: at, related: ChainQuestions.related(f, except: at), identity: "\(studioArn)|\(access.name)")
        }
    }
}

/// RC402: option 1, the Studio execution role may not `sts:AssumeRole` the access role.
public struct RC402StudioAssumeAccessRole: SetupRule {
    public let id = "RC402"
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        for f in setup.chainFacts where f.chain.option == .option1 {
            guard let access = f.accessRole, let trust = access.trust, let studio = f.studioRole,
                  let studioArn = f.chain.studio.executionRoleArn, seen.insert("\(studioArn)|\(access.name)").inserted,
                  let result = ChainQuestions.ask(setup, caller: studio, callerArn: studioArn, action: "sts:AssumeRole",
                                                  resource: access.effectiveArn ?? "*", resourcePolicy: trust),
                  result.resourceAllows == true, !result.allowed else { continue }
            // A statement of the execution role that tried (its Resource or condition), else where to add one.
            let near = result.reasons.first { $0.role == .doesNotApply && $0.policy !== trust && $0.mismatch != .action && $0.mismatch != .effect }?.node
            // A managed policy among the inputs that would allow the call but is not attached
            // to the execution role: the fix is to attach it.
            let request = AccessRequest(principal: ChainQuestions.session(of: studioArn), action: "sts:AssumeRole",
                                        resource: access.effectiveArn ?? "*")
            let unattached = setup.resources.managedPolicies.first { m in
                !studio.attachedPolicyArns.contains { $0.arn == m.arn }
                    && Evaluator.evaluate(request, PolicySet(identity: [m.document], resource: trust)).allowed
            }
            var at = near ?? ChainQuestions.statementHome(setup, role: studio, services: ["sts"])
            var fix = "allow sts:AssumeRole on \(access.effectiveArn ?? access.name)"
            var related = ChainQuestions.related(f, except: at)
            if near == nil, let unattached {
                at = studio.node["AttachedManagedPolicies"] ?? studio.node
                fix = "managed policy \(unattached.name) (\(unattached.arn)) allows it but is not attached to \(studio.name): attach it"
                related = [RelatedLocation(location: Location(node: unattached.document.root), message: "managed policy \(unattached.name), not attached")]
                    + ChainQuestions.related(f, except: at)
            }
            if let n = trust.root["Statement"] { related.append(RelatedLocation(location: Location(node: n), message: "the trust policy of access role \(access.name)")) }
            context.report("hop Studio → access role (option 1): the Studio execution role \(studio.name) may not call sts:AssumeRole on access role \(access.effectiveArn ?? access.name): \(ChainQuestions.why(result, about: nil)); the access role is in another account, so the execution role's own policy must allow the call as well as the trust: \(fix)",
                           at: at, related: related, identity: "\(studio.name)|\(access.name)")
        }
    }
}

/// RC403: option 1 without an access role for the cluster's account.
public struct RC403NoAccessRole: SetupRule {
    public let id = "RC403"
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        for f in setup.chainFacts where f.chain.option == .option1 && f.chain.accessRole == nil {
            let account = f.chain.cluster.account ?? "?"
            guard seen.insert("\(f.chain.studio.label)|\(account)").inserted else { continue }
            let where_ = f.chain.studio.app == .classic
                ? "the discovery file emr-discovery-iam-role-arns-DO_NOT_DELETE.json (\"\(account)\": \"arn:aws:iam::\(account):role/…\")"
                : "EmrSettings.AssumableRoleArns"
            // Where the access role belongs: JupyterLab's EmrSettings (beside ExecutionRoleArns);
            // Studio Classic's discovery file when there is one, else the runtime roles preloaded
            // for that account.
            let at: Node
            if f.chain.studio.app == .jupyterLab {
                at = f.chain.runtimeRoleNode.parent?.parent ?? f.chain.studio.preloadNode
            } else {
                let discovery = setup.resources.classicDiscoveryConfigs
                let file = discovery.first { $0.account == f.chain.studio.account } ?? (discovery.count == 1 ? discovery[0] : nil)
                // The key of the runtime roles preloaded for that account names it.
                let list = f.chain.runtimeRoleNode.parent
                let key = setup.resources.classicRoleConfigs.lazy.flatMap(\.rolesByAccount)
                    .first { entry in list.map { entry.roles.node.document === $0.document && entry.roles.node.index == $0.index } ?? false }?.keyNode
                at = file?.node ?? key ?? list ?? f.chain.studio.preloadNode
            }
            context.report("hop Studio → access role (option 1): \(f.chain.cluster.label) is in account \(account), but \(f.chain.studio.label) has no EMR access role for that account, so Studio can neither list the cluster nor ask it for credentials; add the access role to \(where_)",
                           at: at, related: ChainQuestions.related(f, except: at), identity: "\(f.chain.studio.label)|\(account)")
        }
    }
}

/// RC405: option 2, the data account's bucket policy does not grant the runtime role the S3 access
/// its identity policy relies on.
public struct RC405BucketPolicy: SetupRule {
    public let id = "RC405"
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        for f in setup.chainFacts where f.chain.option == .option2 {
            guard let rt = f.runtimeRole, let arn = rt.effectiveArn else { continue }
            for bucket in ChainBuilder.buckets(usedBy: rt, setup.resources) {
                guard let bp = setup.resources.bucketPolicy(for: bucket), bp.account != rt.account,
                      seen.insert("\(arn)|\(bucket)").inserted else { continue }
                for (action, resource) in [("s3:GetObject", "arn:aws:s3:::\(bucket)/rolecheck-object"), ("s3:ListBucket", "arn:aws:s3:::\(bucket)")] {
                    guard let result = ChainQuestions.ask(setup, caller: rt, callerArn: arn, action: action, resource: resource,
                                                          resourcePolicy: bp.policy, resourceAccount: bp.account),
                          result.identityAllows, !result.allowed else { continue }
                    let at = ChainQuestions.target(result, in: bp.policy) ?? bp.policy.root
                    context.report("hop runtime role → data (option 2): runtime role \(rt.name)'s own policy allows \(action) on bucket \(bucket), but the bucket is in account \(bp.account ?? "?") and its bucket policy does not grant it (\(ChainQuestions.why(result, about: bp.policy))); across accounts both sides must allow: add a statement for \"Principal\": {\"AWS\": \"\(arn)\"}",
                                   at: at, related: ChainQuestions.related(f, except: at), identity: "\(rt.name)|\(bucket)|\(action)")
                }
            }
        }
    }
}

/// RC406: option 3 in the JupyterLab app, whose UI offers only runtime roles of the cluster's account.
public struct RC406Option3JupyterLab: SetupRule {
    public let id = "RC406"
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        let r = setup.resources
        for c in setup.studioContexts where c.app == .jupyterLab {
            let own = ChainBuilder.studioAccount(c)
            let clusterAccounts = Set(ChainBuilder.reachable(c, r.clusters).compactMap(\.account))
            guard clusterAccounts.contains(own ?? "") else { continue }
            for (_, list) in c.runtimeRoles {
                for (arn, node) in list.arns {
                    guard let a = ARN(arn)?.account, a != own, !clusterAccounts.subtracting([own ?? ""]).contains(a) else { continue }
                    context.report("runtime role \(arn) is in account \(a), but the clusters \(c.label) reaches are in \(own ?? "its own account"): the JupyterLab app offers only runtime roles of the cluster's account, so this role cannot be picked there (option 3 works in Studio Classic, or with the %sm_analytics command). If it is meant for a cluster of account \(a) instead, that cluster's describe-cluster output is not among the inputs",
                                   at: node, identity: "\(c.label)|\(arn)")
                }
            }
        }
    }
}

/// RC407: a trust policy trusts an account outside the setup's known accounts.
public struct RC407UnknownAccountTrust: SetupRule {
    public let id = "RC407"
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        let known = setup.resources.knownAccounts
        guard !known.isEmpty else { return }
        for role in setup.resources.roles {
            guard let trust = role.trust else { continue }
            for s in trust.statements where s.effect == .allow {
                for (type, values) in s.principal?.entries ?? [] where type == "AWS" {
                    for v in values {
                        guard let a = PrincipalIdentity.parse(v.text).account, !known.contains(a) else { continue }
                        context.report("the trust policy of role \(role.name) trusts account \(a), which is none of the accounts of these inputs (\(known.sorted().joined(separator: ", "))): check that it is meant to, or add that account's exports to the run",
                                       at: v.node, identity: "\(role.name)|\(a)")
                    }
                }
            }
        }
    }
}

/// RC004: something a chain needs is not among the inputs; said once per missing thing.
public struct RC004MissingReference: SetupRule {
    public let id = "RC004"
    public init() {}

    /// Whether the inputs list a role's permission policies, in whichever input family: an
    /// authorization-details entry or a Terraform `aws_iam_role` resource (`permissionsListed`),
    /// or policies of its own among the inputs. A Terraform role whose policies are known only
    /// after apply is not "missing": it is not judged (`permissionsUnknown`).
    static func policiesListed(_ role: RoleResource) -> Bool {
        role.permissionsListed || ChainQuestions.policiesKnown(role)
    }

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        let r = setup.resources
        var said: Set<String> = []
        func say(_ key: String, _ message: String, at node: Node?) {
            guard let node, said.insert(key).inserted else { return }
            context.report(message, at: node, identity: key)
        }
        for cluster in r.clusters {
            if let name = cluster.instanceProfileName {
                let (role, profile) = r.instanceProfileRole(of: cluster)
                if role == nil {
                    say("profile|\(cluster.account ?? "")|\(name)",
                        "\(cluster.label) runs with instance profile \(name), whose role is \(profile == nil ? "not among the inputs (no instance profile or role of that name)" : "not among the inputs"); the hop from the cluster to its runtime roles could not be checked. Add the account's get-account-authorization-details export",
                        at: cluster.instanceProfileNode)
                }
            }
            if let name = cluster.securityConfigurationName, r.securityConfigurations(named: name).isEmpty {
                say("secconf|\(cluster.account ?? "")|\(name)",
                    "\(cluster.label) uses security configuration \(name), which is not among the inputs; runtime roles, Lake Formation and source identity could not be checked. Add the output of aws emr describe-security-configuration --name \(name)",
                    at: cluster.securityConfigurationNode)
            }
        }
        for f in setup.chainFacts {
            if f.runtimeRole == nil {
                say("role|\(f.chain.runtimeRoleArn)", "runtime role \(f.chain.runtimeRoleArn) is not among the inputs; its trust and permissions could not be checked. Add the get-account-authorization-details export of account \(ARN(f.chain.runtimeRoleArn)?.account ?? "?")",
                    at: f.chain.runtimeRoleNode)
            }
            if let arn = f.chain.studio.executionRoleArn, f.studioRole == nil {
                say("role|\(arn)", "the Studio execution role \(arn) is not among the inputs; what it may call could not be checked",
                    at: f.chain.studio.executionRoleNode ?? f.chain.studio.node)
            }
            if let access = f.chain.accessRole, f.accessRole == nil {
                say("role|\(access.arn)", "access role \(access.arn) is not among the inputs; option 1's hops through it could not be checked",
                    at: access.node)
            }
            for role in [f.caller, f.instanceProfileRole, f.runtimeRole].compactMap({ $0 }) {
                // A runtime role's own permissions matter to the chain only with Lake Formation.
                if !Self.policiesListed(role), role !== f.runtimeRole || f.lakeFormationTag != nil {
                    // Terraform: a role read through the aws_iam_role data source.
                    let message = role.node["address"]?.string.map { address in
                        "the inputs show role \(role.name) but not its permission policies (\(address): the aws_iam_role data source carries only the trust policy); hops that depend on what \(role.name) may call were not judged. Add the Terraform output that manages the role, or the account's get-account-authorization-details export"
                    } ?? "the inputs show role \(role.name) but not its permission policies (get-role output, for one, carries only the trust policy); hops that depend on what \(role.name) may call were not judged. Add the account's get-account-authorization-details export, or get-role-policy output for each inline policy"
                    say("policies|\(role.effectiveArn ?? role.name)", message, at: role.node)
                }
                for (arn, node) in role.attachedPolicyArns where !r.managedPolicies.contains(where: { $0.arn == arn }) {
                    say("managed|\(arn)", "role \(role.name) has managed policy \(arn) attached, which is not among the inputs; hops that depend on \(role.name)'s permissions were not judged (export with get-account-authorization-details, which includes managed policies)",
                        at: node)
                }
            }
        }
        for c in r.classicRoleConfigs {
            for entry in c.rolesByAccount where ARN.isAccountID(entry.account) && !r.clusters.contains(where: { $0.account == entry.account }) {
                say("clusters|\(entry.account)", "runtime roles are preloaded for clusters of account \(entry.account), but no describe-cluster output of that account is among the inputs; those chains could not be checked",
                    at: entry.keyNode)
            }
        }
    }
}
