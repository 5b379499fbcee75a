import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC109: two statements of one policy share a `Sid`.
public struct RC109DuplicateSid: PolicyRule {
    public let id: RuleID = .RC109
    public init() {}

    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) {
        var seen: [String: PolicyValue] = [:]
        for s in policy.statements {
            guard let sid = s.sid, !sid.text.isEmpty else { continue }
            if let first = seen[sid.text] {
                context.report("Sid \"\(sid.text)\" is used by more than one statement of \(policy.label); IAM rejects duplicate Sids in some policy types, and tools that address statements by Sid cannot tell them apart",
                               at: sid.node, related: [RelatedLocation(location: Location(node: first.node), message: "first \"\(sid.text)\" here")])
            } else {
                seen[sid.text] = sid
            }
        }
    }
}
