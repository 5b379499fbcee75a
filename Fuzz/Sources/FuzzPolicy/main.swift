import FuzzSupport
import RoleCheckKit

// The policy parser and the evaluator. The input is read as JSON (policies are JSON); the tree is
// parsed as an identity, trust and resource policy, and each is evaluated for the requests a
// runtime-role setup asks, with a request context built from the policy's own condition values so
// that conditions can match as well as fail. Checks: a decision is one of the three, an Allow never
// comes with an explicit-deny reason, and the same question gives the same answer twice.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let file = SourceFile(path: "policy.json", bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    guard case .success(let document) = JSONParser.parse(file: file) else { return 0 }
    let root = document.root
    _ = PolicyKind.infer(root)

    let identity = PolicyDocument.parse(root, kind: .identity, label: "identity")
    let trust = PolicyDocument.parse(root, kind: .trust, label: "trust")
    let resource = PolicyDocument.parse(root, kind: .resource, label: "resource")
    for problem in identity.problems + trust.problems + resource.problems {
        _ = problem.node.range
        _ = problem.message
    }

    // A context made of the policy's own condition keys and values (and one value that matches none).
    var context = RequestContext()
    var keys = 0
    for statement in identity.statements where keys < 32 {
        for entry in statement.conditions where keys < 32 {
            keys += 1
            if let first = entry.values.first { context.add(entry.key, first.text) }
            context.add(entry.key, "rolecheck-fuzz")
        }
    }

    let requests = [
        AccessRequest(principal: "arn:aws:iam::111122223333:role/emr-instance-profile-role",
                      action: "sts:AssumeRole", resource: "arn:aws:iam::444455556666:role/runtime-role",
                      context: context),
        AccessRequest(principal: "arn:aws:iam::444455556666:role/emr-instance-profile-role",
                      action: "sts:TagSession", resource: "arn:aws:iam::444455556666:role/runtime-role",
                      context: context),
        AccessRequest(principal: "arn:aws:sts::111122223333:assumed-role/studio-execution/SageMaker",
                      action: "elasticmapreduce:GetClusterSessionCredentials",
                      resource: "arn:aws:elasticmapreduce:us-east-1:111122223333:cluster/j-ABCDEFGHIJKLM",
                      context: context),
        AccessRequest(principal: "elasticmapreduce.amazonaws.com", action: "s3:GetObject",
                      resource: "arn:aws:s3:::bucket/key", resourceAccount: "111122223333", context: context),
        AccessRequest(principal: "111122223333", action: "iam:PassRole", resource: "*", context: context),
    ]
    let sets = [
        PolicySet(identity: [identity]),
        PolicySet(identity: [identity], boundary: identity, resource: trust),
        PolicySet(identity: [identity], resource: resource),
    ]
    for request in requests {
        for set in sets {
            let result = Evaluator.evaluate(request, set)
            if result.decision == .allow && result.reasons.contains(where: { $0.role == .denies }) {
                fatalError("Allow with a Deny reason: \(result.reasons.map(\.message))")
            }
            for reason in result.reasons { _ = reason.message }
            if Evaluator.evaluate(request, set).decision != result.decision {
                fatalError("the same request was decided two ways")
            }
        }
    }
    return 0
}
