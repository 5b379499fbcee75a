import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC110: the policy is larger than IAM accepts for where it is attached.
public struct RC110PolicySize: PolicyRule {
    public let id: RuleID = .RC110
    public init() {}

    /// Checks each policy, then the inline policies of each role, user and group together (their
    /// quota is for the total).
    public func check(_ document: ClassifiedDocument, in setup: Setup, _ context: inout RuleContext) {
        // A policy read from a live account was accepted by IAM: it is within its quota.
        guard !document.kind.isLiveExport else { return }
        // Inline policies grouped by owner, in the order the owners first appear (deterministic,
        // and no sort).
        var groups: [(origin: PolicyOrigin, policies: [PolicyDocument])] = []
        var groupIndex: [PolicyOrigin: Int] = [:]
        for policy in setup.policies(in: document) {
            switch policy.origin {
            case .inlineRole, .inlineUser, .inlineGroup:
                if let i = groupIndex[policy.origin] {
                    groups[i].policies.append(policy)
                } else {
                    groupIndex[policy.origin] = groups.count
                    groups.append((policy.origin, [policy]))
                }
            default:
                check(policy, &context)
            }
        }
        for (origin, policies) in groups {
            if policies.count == 1 {
                check(policies[0], &context)
                continue
            }
            let (limit, what): (Int, String)
            switch origin {
            case .inlineRole(let r): (limit, what) = (10_240, "role \(r)")
            case .inlineUser(let u): (limit, what) = (2_048, "user \(u)")
            case .inlineGroup(let g): (limit, what) = (5_120, "group \(g)")
            default: continue
            }
            let total = policies.reduce(0) { $0 + PolicySize.characters($1.root) }
            if total > limit {
                let largest = policies.max { PolicySize.characters($0.root) < PolicySize.characters($1.root) }!
                context.report("the \(policies.count) inline policies of \(what) total \(total) characters without white space, over IAM's quota of \(limit) for them; IAM rejects the last one added. Move some statements into a managed policy",
                               at: largest.root,
                               related: policies.filter { $0 !== largest }.map { RelatedLocation(location: Location(node: $0.root), message: "\($0.label): \(PolicySize.characters($0.root)) characters") },
                               identity: what)
            }
        }
    }

    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) {
        let size = PolicySize.characters(policy.root)
        // (quota that is certain, quota that may apply, what)
        let limits: (hard: Int, soft: Int?, what: String)
        switch policy.origin {
        case .trust: limits = (4_096, 2_048, "a role trust policy (2,048 characters by default, 4,096 after a quota increase)")
        case .managed: limits = (6_144, nil, "a managed policy (6,144 characters)")
        case .inlineRole: limits = (10_240, nil, "the inline policies of a role (10,240 characters in total)")
        case .inlineUser: limits = (2_048, nil, "the inline policies of a user (2,048 characters in total)")
        case .inlineGroup: limits = (5_120, nil, "the inline policies of a group (5,120 characters in total)")
        case .bucket: limits = (20_480, nil, "an S3 bucket policy (20 KB)")
        case .awsManaged:
            return // AWS's own policies are not bound by the customer quotas
        case .organization:
            return // AWS Organizations' own quota (5,120 characters) is enforced when the policy is saved
        case .standalone:
            // Where the file will be attached is unknown: an overage is a doubt, so a warning.
            switch policy.kind {
            case .trust: limits = (.max, 2_048, "a role trust policy (2,048 characters by default, 4,096 after a quota increase)")
            case .resource: limits = (.max, 20_480, "a resource policy (an S3 bucket policy takes 20 KB)")
            case .identity: limits = (.max, 6_144, "a customer managed policy (6,144 characters; a role's inline policies take 10,240 in total)")
            }
        }
        let message = "\(policy.label) is \(size) characters without white space, over the quota for \(limits.what)"
        if size > limits.hard {
            context.report(message + "; IAM rejects it. Split it into several policies or use wildcards that cover the same actions",
                           at: policy.root, identity: String(limits.hard))
        } else if let soft = limits.soft, size > soft {
            context.report(message + "; IAM rejects it unless it is attached where a larger quota applies",
                           at: policy.root, severity: .warning, identity: String(soft))
        }
    }
}

/// How IAM measures a policy: its JSON without white space.
enum PolicySize {
    /// One pass over the node's records, without building strings.
    static func characters(_ node: Node) -> Int {
        let doc = node.document
        let first = Int(node.index)
        let last = first + node.size
        var n = 0
        for i in first...last {
            let r = doc.records[i]
            switch r.kind {
            case .object:
                let pairs = Int(r.b) / 2
                n += 2 + max(0, pairs - 1)
            case .array:
                n += 2 + max(0, Int(r.b) - 1)
            case .string:
                let child = Node(document: doc, index: i)
                n += 2 + child.withValueBytes { bytes in
                    var count = 0
                    for b in bytes {
                        switch b {
                        case 0x20, 0x09, 0x0A, 0x0D: continue // white space is not counted
                        case UInt8(ascii: "\""), UInt8(ascii: "\\"): count += 2
                        default: if b & 0xC0 != 0x80 { count += 1 } // one per Unicode scalar
                        }
                    }
                    return count
                }
                if r.flags & NodeRecord.flagKey != 0 { n += 1 } // the colon after a key
            default:
                n += Int(r.b) // a number or literal: its text
            }
        }
        return n
    }
}
