import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC405: option 2, the data account's bucket policy does not grant the runtime role the S3 access
/// its identity policy relies on.
public struct RC405BucketPolicy: SetupRule {
    public let id: RuleID = .RC405
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        for f in setup.chainFacts where f.chain.option == .option2 {
            guard let rt = f.runtimeRole, let arn = rt.effectiveArn else { continue }
            for hop in f.hops where hop.kind == .bucket {
                let bucket = hop.ref.to.id
                guard let bp = setup.resources.bucketPolicy(for: bucket), seen.insert("\(arn)|\(bucket)").inserted else { continue }
                for action in ["s3:GetObject", "s3:ListBucket"] {
                    guard let result = hop.answer(action, .full), result.identityAllows, !result.allowed else { continue }
                    let at = result.decidingNode(in: bp.policy) ?? bp.policy.root
                    let doubt = ChainQuestions.doubt(hop.unknownKeys(action, .full))
                    context.report("hop runtime role → data (option 2): runtime role \(rt.name)'s own policy allows \(action) on bucket \(bucket), but the bucket is in account \(bp.account ?? "?") and its bucket policy does not grant it (\(result.because(about: bp.policy))); across accounts both sides must allow: add a statement for \"Principal\": {\"AWS\": \"\(arn)\"}\(doubt.note)",
                                   at: at, severity: doubt.severity, related: ChainQuestions.related(f, except: at), identity: "\(rt.name)|\(bucket)|\(action)",
                                   about: [.hop(hop.ref)])
                }
            }
        }
    }
}
