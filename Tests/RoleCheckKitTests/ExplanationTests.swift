import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckModel
@testable import RoleCheckEngine

/// One explanation: the evaluator's primary reason is chosen in one place, and `lint` and
/// `simulate` word the same denial the same way.
@Suite struct ExplanationTests {
    /// Lints a broken sample, then asks `simulate` the hop's own question about the same trust
    /// policy (exported alone, as `get-role` would), and compares the explanations.
    func lintAndSimulate(_ scenario: String, rule: String, action: String) throws -> (lint: String, because: String) {
        let files = try OrderIndependenceTests.files(of: "samples/setups/broken/" + scenario)
        let (report, setup) = Linter().analyze(inputs: files.map { .file($0) })
        let finding = try #require(report.findings.first { $0.ruleId == rule }, "\(scenario) has no \(rule)")
        let facts = try #require(setup.chainFacts.first { $0.hop(.assumeRuntimeRole)?.answer(action, .resourcePolicy)?.allowed == false })
        let question = try #require(facts.hop(.assumeRuntimeRole)?.question(action, .resourcePolicy))
        let runtime = try #require(facts.runtimeRole)
        let trust = try #require(runtime.trust)
        // The trust policy as `aws iam get-role` prints it.
        let text = String(decoding: trust.root.document.text[Int(trust.root.record.start)..<Int(trust.root.record.end)], as: UTF8.self)
        let export = "{\"Role\": {\"RoleName\": \"\(runtime.name)\", \"Arn\": \"\(runtime.effectiveArn ?? "")\", \"AssumeRolePolicyDocument\": \(text)}}"
        let policy = try Simulation.loadPolicy(SourceFile(path: "get-role.json", text: export), kind: .trust).get().0
        let result = Evaluator.evaluate(question.request, PolicySet(resource: policy))
        let out = Simulation.text(question.request, result)
        let line = try #require(out.split(separator: "\n").first { $0.hasPrefix("because: ") })
        return (finding.message, String(line.dropFirst("because: ".count)))
    }

    @Test func lintAndSimulateGiveTheSameReasonForAMissingTagSession() throws {
        let (lint, because) = try lintAndSimulate("missing-tag-session", rule: "RC302", action: "sts:TagSession")
        #expect(lint.contains("(\(because))"), "lint: \(lint)\nsimulate: \(because)")
    }

    @Test func lintAndSimulateGiveTheSameReasonForAWrongTrust() throws {
        let (lint, because) = try lintAndSimulate("trust-wrong-role", rule: "RC301", action: "sts:AssumeRole")
        #expect(lint.contains("(\(because))"), "lint: \(lint)\nsimulate: \(because)")
    }

    /// The primary reason: an explicit Deny decides whatever else allows, and points at the Deny.
    @Test func anExplicitDenyIsThePrimaryReason() throws {
        let trust = """
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "Allow", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ip"}, "Action": "sts:AssumeRole",
           "Condition": {"StringEquals": {"aws:PrincipalTag/team": "data"}}},
          {"Sid": "NoOne", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
        """
        let policy = try Simulation.loadPolicy(SourceFile(path: "trust.json", text: trust), kind: .trust).get().0
        let request = AccessRequest(principal: "arn:aws:sts::111122223333:assumed-role/ip/s", action: "sts:AssumeRole",
                                    resource: "arn:aws:iam::111122223333:role/runtime")
        let result = Evaluator.evaluate(request, PolicySet(resource: policy))
        #expect(result.decision == .explicitDeny)
        let primary = try #require(result.primaryReason(about: policy))
        #expect(primary.role == .denies)
        #expect(result.because(about: policy).contains("\"NoOne\" denies"))
        #expect(result.decidingNode(in: policy)?.document === primary.node?.document)
        #expect(result.summary == result.because())
    }

    /// Without a Deny, the closest miss in the policy asked about explains the denial.
    @Test func theClosestMissExplainsAnImplicitDeny() throws {
        let trust = """
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "Other", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
          {"Sid": "Near", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ip"}, "Action": "sts:AssumeRole",
           "Condition": {"StringEquals": {"aws:PrincipalTag/team": "data"}}}]}
        """
        let policy = try Simulation.loadPolicy(SourceFile(path: "trust.json", text: trust), kind: .trust).get().0
        let request = AccessRequest(principal: "arn:aws:sts::111122223333:assumed-role/ip/s", action: "sts:AssumeRole",
                                    resource: "arn:aws:iam::111122223333:role/runtime")
        let result = Evaluator.evaluate(request, PolicySet(resource: policy))
        #expect(!result.allowed)
        let primary = try #require(result.primaryReason(about: policy))
        #expect(primary.isNearMiss)
        #expect(primary.statement?.sid?.text == "Near")
    }
}
