import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

extension Fix {
    /// A fix of these edits, or nil when one of them could not be made exactly (then the finding
    /// is reported without a fix: a fix is offered only when it is certain).
    static func of(_ description: String, _ edits: [TextEdit?]) -> Fix? {
        let made = edits.compactMap { $0 }
        guard !made.isEmpty, made.count == edits.count else { return nil }
        for (i, a) in made.enumerated() {
            for b in made[(i + 1)...] where a.overlaps(b) { return nil }
        }
        return Fix(description: description, edits: made)
    }
}

extension Node {
    /// In a CloudFormation template, the logical ID of the resource this node belongs to.
    var cloudFormationLogicalId: String? {
        guard let resources = document.root["Resources"], resources.kind == .object else { return nil }
        var n = self
        while let p = n.parent {
            if p.isSame(resources) { return n.keyNode?.string }
            n = p
        }
        return nil
    }
}

enum TrustFixes {
    /// A trust statement's `Action` with one more action (`"a"` → `["a", "b"]`, `[…]` → `[…, "b"]`).
    static func addingAction(_ action: String, to statement: PolicyStatement?) -> TextEdit? {
        guard let block = statement?.action, !block.negated else { return nil }
        let node = block.node
        switch node.kind {
        case .array: return node.appendingElement(.string(action))
        case .string: return node.wrappedInArray(adding: .string(action))
        default: return nil
        }
    }

    /// How a trust written in `trust`'s document names a role: a reference to it when the role
    /// is a resource of the same CloudFormation template, else its ARN when that is a real one.
    static func principalValue(for role: RoleResource, in trust: PolicyDocument) -> EditValue? {
        if trust.root.document === role.node.document, let id = role.node.cloudFormationLogicalId {
            return .getAtt(resource: id, attribute: "Arn")
        }
        guard let arn = role.effectiveArn, let parsed = ARN(arn), ARN.isAccountID(parsed.account),
              parsed.account != ARN.symbolicAccount, !arn.contains("${") else { return nil }
        return .string(arn)
    }
}
