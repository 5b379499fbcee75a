import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC311: the Lake Formation session tag does not line up.
public struct RC311LakeFormationTag: SetupRule {
    public let id: RuleID = .RC311
    public init() {}
    static let expected = HopEvaluator.lakeFormationTag

    /// The trust condition's one value (at `node`, its key or its value) replaced by "Amazon EMR".
    static func acceptExpected(_ node: Node) -> Fix? {
        let value = node.isKey ? node.parent.flatMap { p in node.string.flatMap { p[$0] } } : node
        guard var target = value else { return nil }
        if target.kind == .array {
            guard target.count == 1, let only = target.elements.first else { return nil }
            target = only
        }
        guard target.kind == .string else { return nil }
        return Fix.of("make the condition accept \"\(expected)\"", [target.replaced(with: .string(expected))])
    }

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
                                   at: at, related: [RelatedLocation(location: Location(node: tag.node), message: "the configured tag")],
                                   about: f.hopRef(.securityConfiguration).map { [.hop($0)] } ?? [])
                }
            }
            guard let rt = f.runtimeRole, let result = RuntimeRoleTrust.trustAnswer(f, "sts:TagSession") else { continue }
            if result.resourceAllows != true,
               let failing = result.reasons.first(where: { $0.role == .doesNotApply && $0.mismatch.map(RC302RuntimeTrustTagSession.isTagCondition) == true }),
               let node = failing.node, seen.insert("trust|\(rt.name)").inserted {
                if wrongValue, RuntimeRoleTrust.trustAnswer(f, "sts:TagSession", variant: HopQuestion.expectedTag)?.resourceAllows == true {
                    attach(tag, RelatedLocation(location: Location(node: node), message: "the trust of runtime role \(rt.name) expects \"\(Self.expected)\" here"))
                } else {
                    context.report("the trust policy of runtime role \(rt.name) allows sts:TagSession only with another LakeFormationAuthorizedCaller value than the \"\(tag.value)\" the cluster sends (\(failing.message)); make the condition accept \"\(Self.expected)\"\(wrongValue ? ", the value the security configuration should send" : ", the value the cluster sends")",
                                   at: node, related: [RelatedLocation(location: Location(node: tag.node), message: "the tag value the cluster sends")],
                                   about: RuntimeRoleTrust.subjects(f),
                                   fix: wrongValue ? nil : Self.acceptExpected(node))
                }
            }
        }
        for w in wrongValues {
            context.report("AuthorizedSessionTagValue is \"\(w.tag.value)\", but Lake Formation authorizes EMR sessions tagged \"\(Self.expected)\" (the value its application integration settings expect)\(w.related.isEmpty ? "" : ", and the Lake Formation settings or runtime-role trusts among the inputs expect it too"); set it to \"\(Self.expected)\" (in a new security configuration: a cluster's is fixed at launch)",
                           at: w.tag.node, related: w.related + ChainQuestions.related(w.facts, except: w.tag.node),
                           about: w.facts.securityConfiguration.map { [.entity($0.entity)] } ?? [],
                           fix: Fix.of("set AuthorizedSessionTagValue to \"\(Self.expected)\"", [w.tag.node.replaced(with: .string(Self.expected))]))
        }
    }
}
