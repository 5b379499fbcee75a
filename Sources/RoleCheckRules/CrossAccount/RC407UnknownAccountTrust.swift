import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC407: a trust policy trusts an account outside the setup's known accounts.
public struct RC407UnknownAccountTrust: SetupRule {
    public let id: RuleID = .RC407
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
                                       at: v.node, identity: "\(role.name)|\(a)", about: [.entity(role.entity)])
                    }
                }
            }
        }
    }
}
