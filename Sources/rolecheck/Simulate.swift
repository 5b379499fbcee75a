import ArgumentParser
import RoleCheckKit

/// `rolecheck simulate`: asks the evaluator one question and explains the answer.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decide whether a principal may perform an action, offline, with the reasons.",
        discussion: """
        Policies are files: raw policies (JSON or YAML) or AWS CLI exports that hold one policy \
        (get-role for a trust policy, get-role-policy, get-policy-version, get-bucket-policy). \
        Exit codes: 0 allowed, 1 denied, 2 bad input.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: "The caller: a role, user or assumed-role session ARN, an account ID, or a service principal.")
    var principal: String

    @Option(help: "The action, such as sts:AssumeRole.")
    var action: String

    @Option(help: "The resource ARN (default *).")
    var resource: String = "*"

    @Option(name: .customLong("resource-account"), help: "The account that owns the resource (default: from the resource ARN).")
    var resourceAccount: String?

    @Option(name: .customLong("identity-policy"), help: "An identity policy of the caller (repeatable).")
    var identityPolicies: [String] = []

    @Option(name: .customLong("boundary-policy"), help: "The caller's permissions boundary.")
    var boundaryPolicy: String?

    @Option(name: .customLong("resource-policy"), help: "The resource's policy: a role's trust policy, a bucket policy.")
    var resourcePolicy: String?

    @Option(name: .customLong("context"), help: "A request context value KEY=VALUE (repeat a key for several values).")
    var context: [String] = []

    @Option(help: "Output format.")
    var format: Format = .text

    @Option(help: ArgumentHelp("An IAM catalog directory (from rolecheck catalog update) laid over the embedded catalog; it decides whether --action is known.", valueName: "dir"))
    var catalog: String?

    func validate() throws {
        if !action.contains(":") && action != "*" {
            throw ValidationError("--action must be service:Action, such as sts:AssumeRole")
        }
        if let resourceAccount, !ARN.isAccountID(resourceAccount) {
            throw ValidationError("--resource-account must be a 12-digit account ID")
        }
    }

    func load(_ path: String, kind: PolicyKind) throws -> PolicyDocument {
        let bytes: [UInt8]
        switch Inputs.read(path, limit: ParseLimits.default.maxFileSize) {
        case .success(.bytes(let b)): bytes = b
        case .success(.tooLarge(let size)): throw UsageFailure(description: "\(path): \(size) bytes is over the size limit")
        case .failure(let error): throw UsageFailure(description: error.description)
        }
        switch Simulation.loadPolicy(SourceFile(path: path, bytes: bytes), kind: kind) {
        case .success(let (policy, notes)):
            for n in notes { Terminal.writeError("rolecheck: \(n.severity.rawValue): \(n.location.file):\(n.location.range.start.line):\(n.location.range.start.column): [\(n.ruleId)] \(n.message)\n") }
            return policy
        case .failure(let error):
            throw UsageFailure(description: error.message)
        }
    }

    func run() throws {
        let iamCatalog = try InputLoading.catalog(explicit: catalog, configuration: nil)
        let ctx: RequestContext
        switch Simulation.context(context) {
        case .success(let c): ctx = c
        case .failure(let e): throw UsageFailure(description: e.message)
        }
        let resourceKind: PolicyKind = action.lowercased().hasPrefix("sts:") ? .trust : .resource
        let policies = PolicySet(
            identity: try identityPolicies.map { try load($0, kind: .identity) },
            boundary: try boundaryPolicy.map { try load($0, kind: .identity) },
            resource: try resourcePolicy.map { try load($0, kind: resourceKind) }
        )
        let request = AccessRequest(principal: principal, action: action, resource: resource,
                                    resourceAccount: resourceAccount, context: ctx)
        let result = Evaluator.evaluate(request, policies)
        // An action the catalog does not know is allowed or denied as written, but is most often
        // a typo (or newer than the catalog): say so beside the answer.
        if let note = Simulation.unknownActionNote(action, catalog: iamCatalog) {
            Terminal.writeError("rolecheck: note: \(note)\n")
        }
        Terminal.writeOutput(format == .text ? Simulation.text(request, result, catalog: iamCatalog)
                                             : Simulation.json(request, result, catalog: iamCatalog))
        if !result.allowed { throw ExitCode(Exit.findings) }
    }
}
