import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC004: something a chain needs is not among the inputs; said once per missing thing.
public struct RC004MissingReference: SetupRule {
    public let id: RuleID = .RC004
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        let r = setup.resources
        var said: Set<String> = []
        func say(_ key: String, _ message: String, at node: Node?, about subject: EntityRef, severity: Severity? = nil) {
            guard let node else { return }
            guard said.insert(key).inserted else {
                context.attach([.entity(subject)], toFindingAt: node)
                return
            }
            context.report(message, at: node, severity: severity, identity: key, about: [.entity(subject)])
        }
        /// A role of an account whose whole IAM is among the inputs, missing from them, does not
        /// exist: an error where the chain depends on it, with what to do.
        func sayMissingRole(_ key: String, _ arn: String, what: String, consequence: String, partial: String, at node: Node?, about subject: EntityRef) {
            if let account = ARN(arn)?.account, setup.completeAccounts.contains(account) {
                say(key, "\(what) \(arn) does not exist: the get-account-authorization-details export of account \(account) lists every role of the account, and not this one, so \(consequence); create the role or correct the ARN",
                    at: node, about: subject, severity: .error)
            } else {
                say(key, partial, at: node, about: subject)
            }
        }
        collectionGaps(setup, &context)
        for cluster in r.clusters where setup.isInRuntimeRoleScope(cluster) {
            if let name = cluster.instanceProfileName {
                let (role, profile) = r.instanceProfileRole(of: cluster)
                if role == nil {
                    say("profile|\(cluster.account ?? "")|\(name)",
                        "\(cluster.label) runs with instance profile \(name), whose role is \(profile == nil ? "not among the inputs (no instance profile or role of that name)" : "not among the inputs"); the hop from the cluster to its runtime roles could not be checked. Add the account's get-account-authorization-details export",
                        at: cluster.instanceProfileNode, about: cluster.entity)
                }
            }
            if let name = cluster.securityConfigurationName, r.securityConfigurations(named: name).isEmpty {
                say("secconf|\(cluster.account ?? "")|\(name)",
                    "\(cluster.label) uses security configuration \(name), which is not among the inputs; runtime roles, Lake Formation and source identity could not be checked. Add the output of aws emr describe-security-configuration --name \(name)",
                    at: cluster.securityConfigurationNode, about: cluster.entity)
            }
        }
        for f in setup.chainFacts {
            if f.runtimeRole == nil {
                sayMissingRole("role|\(f.chain.runtimeRoleArn)", f.chain.runtimeRoleArn, what: "runtime role",
                               consequence: "Studio offers a runtime role that no connection can use",
                               partial: "runtime role \(f.chain.runtimeRoleArn) is not among the inputs; its trust and permissions could not be checked. Add the get-account-authorization-details export of account \(ARN(f.chain.runtimeRoleArn)?.account ?? "?")",
                               at: f.chain.runtimeRoleNode, about: f.runtimeEntity)
            }
            if let arn = f.chain.studio.executionRoleArn, f.studioRole == nil {
                sayMissingRole("role|\(arn)", arn, what: "the Studio execution role",
                               consequence: "Studio cannot run as it",
                               partial: "the Studio execution role \(arn) is not among the inputs; what it may call could not be checked",
                               at: f.chain.studio.executionRoleNode ?? f.chain.studio.node, about: f.studioEntity)
            }
            if let access = f.chain.accessRole, f.accessRole == nil {
                sayMissingRole("role|\(access.arn)", access.arn, what: "access role",
                               consequence: "Studio cannot assume it to reach the cluster's account",
                               partial: "access role \(access.arn) is not among the inputs; option 1's hops through it could not be checked",
                               at: access.node, about: .role(access.arn))
            }
            for role in [f.caller, f.instanceProfileRole, f.runtimeRole].compactMap({ $0 }) {
                // A runtime role's own permissions matter to the chain only with Lake Formation.
                if !HopEvaluator.policiesKnown(role), role !== f.runtimeRole || f.lakeFormationTag != nil {
                    // Terraform: a role read through the aws_iam_role data source.
                    let message = role.node["address"]?.string.map { address in
                        "the inputs show role \(role.name) but not its permission policies (\(address): the aws_iam_role data source carries only the trust policy); hops that depend on what \(role.name) may call were not judged. Add the Terraform output that manages the role, or the account's get-account-authorization-details export"
                    } ?? "the inputs show role \(role.name) but not its permission policies (get-role output, for one, carries only the trust policy); hops that depend on what \(role.name) may call were not judged. Add the account's get-account-authorization-details export, or get-role-policy output for each inline policy"
                    say("policies|\(role.effectiveArn ?? role.name)", message, at: role.node, about: role.entity)
                }
                for (arn, node) in role.attachedPolicyArns where !r.managedPolicies.contains(where: { $0.arn == arn }) {
                    say("managed|\(arn)", "role \(role.name) has managed policy \(arn) attached, which is not among the inputs; hops that depend on \(role.name)'s permissions were not judged (export with get-account-authorization-details, which includes managed policies)",
                        at: node, about: role.entity)
                }
            }
        }
        for c in r.classicRoleConfigs {
            for entry in c.rolesByAccount where ARN.isAccountID(entry.account) && !r.clusters.contains(where: { $0.account == entry.account }) {
                say("clusters|\(entry.account)", "runtime roles are preloaded for clusters of account \(entry.account), but no describe-cluster output of that account is among the inputs; those chains could not be checked",
                    at: entry.keyNode, about: EntityRef(.studio, "clusters of account \(entry.account)"))
            }
        }
    }

    /// The calls `rolecheck collect` could not make (its manifest.json): what each would have read
    /// is not among the inputs. The organisation's policies unread are a note, said once.
    func collectionGaps(_ setup: Setup, _ context: inout RuleContext) {
        var organizationSaid = false
        for doc in setup.documents where doc.kind == .collectManifest {
            for call in doc.root["RolecheckCollect"]?["Calls"]?.elements ?? [] {
                guard let status = call["Status"], let text = status.string, text != "ok",
                      let command = call["Command"]?.string else { continue }
                let words = command.split(separator: " ").map(String.init)
                let operation = words.count > 2 ? words[2] : command
                let account = call["Account"]?.string
                let region = call["Region"]?.string
                let whereText = [account.map { "account \($0)" }, region].compactMap { $0 }.joined(separator: ", ")
                let reason = "\(text.replacing("-", with: " "))\(call["Message"]?.string.map { ": \($0)" } ?? "")"
                if words.count > 1 && words[1] == "organizations" {
                    // An account outside any organisation has no SCPs or RCPs to consider.
                    guard !organizationSaid, call["Message"]?.string?.contains("AWSOrganizationsNotInUseException") != true else { continue }
                    organizationSaid = true
                    context.report("the organisation's service and resource control policies were not read (`\(command)`: \(reason)), so they were not considered: an SCP or RCP that denies a hop would not show here. Collect with an identity of the management account or a delegated administrator to include them",
                                   at: status, severity: .note, identity: "collect|organizations")
                    continue
                }
                guard let what = Self.collectedThing[operation] else { continue }
                let fix = switch text {
                case "access-denied": "grant the collecting identity the call (docs/collect.md lists the policy) and collect again"
                case "not-supported": "the API did not answer here (an older AWS CLI, a Region without the service, an emulator that lacks it): export the documents another way and lint them with the rest"
                default: "collect again"
                }
                context.report("rolecheck collect could not run `\(command)`\(whereText.isEmpty ? "" : " (\(whereText))") — \(reason) — so \(what) not among the inputs, and the chains through them are not checked; \(fix)",
                               at: status, identity: "collect|\(command)")
            }
        }
    }

    /// What each collect call reads, for its gap's message ("… are not among the inputs").
    static let collectedThing: [String: String] = [
        "get-caller-identity": "the whole account is",
        "assume-role": "the member account behind the role is",
        "get-account-authorization-details": "the account's IAM roles and policies are",
        "list-clusters": "the Region's EMR clusters are",
        "describe-cluster": "the cluster is",
        "list-security-configurations": "the security configurations no cluster names are",
        "describe-security-configuration": "the security configuration is",
        "list-domains": "the Region's SageMaker domains are",
        "describe-domain": "the domain's settings are",
        "list-user-profiles": "the domain's Studio user profiles are",
        "describe-user-profile": "the user profile is",
        "list-spaces": "the domain's spaces are",
        "describe-space": "the space is",
        "get-data-lake-settings": "the Region's Lake Formation settings are",
        "get-bucket-policy": "the bucket's policy is",
    ]
}
