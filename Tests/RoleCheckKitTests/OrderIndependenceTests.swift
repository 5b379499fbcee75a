import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckModel
@testable import RoleCheckEngine
@testable import RoleCheckReporting

/// A report is a function of the set of inputs: the same files in any order give the same bytes,
/// and a CloudFormation template is a stack of its own.
@Suite struct OrderIndependenceTests {
    /// Every sample scenario folder (a folder whose files are linted together).
    static func scenarios() -> [String] {
        let root = TestSupport.packageRoot
        var out: [String] = []
        for group in ["samples/setups", "samples/setups/broken", "samples/cloudformation", "samples/cloudformation/broken",
                      "samples/terraform", "samples/terraform/broken"] {
            for name in TestSupport.listDirectory(root + "/" + group) where Inputs.isDirectory(root + "/" + group + "/" + name) {
                if name == "broken" { continue }
                out.append(group + "/" + name)
            }
        }
        return out
    }

    /// `rereadable`: each file may release its bytes and read them again from its path.
    static func files(of folder: String, rereadable: Bool = false) throws -> [SourceFile] {
        let collected = Inputs.collect([TestSupport.packageRoot + "/" + folder])
        let prefix = TestSupport.packageRoot + "/"
        return try collected.paths.map { p in
            SourceFile(path: String(p.dropFirst(prefix.count)), bytes: try #require(TestSupport.readFile(p)),
                       readFrom: rereadable ? p : nil)
        }
    }

    /// Deterministic permutations: reversed, each rotation, and odd-before-even.
    static func permutations<T>(_ items: [T]) -> [[T]] {
        guard items.count > 1 else { return [] }
        var out: [[T]] = [items.reversed()]
        for r in 1..<items.count { out.append(Array(items[r...] + items[..<r])) }
        out.append(items.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
            + items.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
        return out
    }

    static func render(_ files: [SourceFile]) -> (json: String, text: String, graph: String) {
        let (report, setup) = Linter().analyze(inputs: files.map { .file($0) })
        return (JSONReporter().render(report), TextReporter(color: false).render(report),
                SetupGraph.build(setup, findings: report.findings).mermaid())
    }

    @Test func everySampleScenarioGivesTheSameBytesInAnyOrder() throws {
        let scenarios = Self.scenarios()
        #expect(scenarios.count >= 40, "expected the sample scenarios, found \(scenarios)")
        var permutedRuns = 0
        for scenario in scenarios {
            let files = try Self.files(of: scenario)
            let expected = Self.render(files)
            for order in Self.permutations(files) {
                let got = Self.render(order)
                permutedRuns += 1
                #expect(got.json == expected.json, "\(scenario): JSON report differs for order \(order.map(\.path))")
                #expect(got.text == expected.text, "\(scenario): text report differs for order \(order.map(\.path))")
                #expect(got.graph == expected.graph, "\(scenario): graph differs for order \(order.map(\.path))")
            }
        }
        #expect(permutedRuns > 100)
    }

    @Test func twoClustersInOneSetupNameTheSameClusterInEitherOrder() throws {
        // The scenario of the issue: two clusters share one instance-profile role, the files
        // given in both orders.
        let base = try Self.files(of: "samples/setups/broken/missing-tag-session")
        guard let cluster = base.first(where: { $0.path.hasSuffix("describe-cluster.json") }) else {
            Issue.record("the sample has no describe-cluster.json")
            return
        }
        let text = String(decoding: cluster.bytes, as: UTF8.self)
        let second = SourceFile(path: cluster.path.replacing("describe-cluster.json", with: "describe-cluster-b.json"),
                                text: text.replacing("j-", with: "j-B"))
        let forward = Self.render(base + [second])
        let backward = Self.render([second] + base.reversed())
        #expect(forward.json == backward.json)
    }

    static let templateA = """
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      EmrEc2Role:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: {Service: ec2.amazonaws.com}
                Action: sts:AssumeRole
      RuntimeRole:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: {AWS: !GetAtt EmrEc2Role.Arn}
                Action: [sts:AssumeRole, sts:TagSession]
    """

    static let templateB = """
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      RuntimeRole:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: {Service: ec2.amazonaws.com}
                Action: sts:AssumeRole
          Policies:
            - PolicyName: everything
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    Action: "*"
                    Resource: "*"
    """

    @Test func logicalIdsResolveOnlyInsideTheirTemplate() {
        let a = SourceFile(path: "stacks/analytics.yaml", text: Self.templateA)
        let b = SourceFile(path: "other/unrelated.yaml", text: Self.templateB)
        let alone = Linter().analyze(inputs: [.file(a)])
        let together = Linter().analyze(inputs: [.file(a), .file(b)])
        let reversed = Linter().analyze(inputs: [.file(b), .file(a)])
        func ofA(_ r: LintReport) -> [String] {
            r.findings.filter { $0.location.file == a.path }.map { "\($0.ruleId) \($0.location.range.start.line):\($0.location.range.start.column) \($0.message)" }
        }
        #expect(ofA(together.report) == ofA(alone.report))
        #expect(ofA(reversed.report) == ofA(alone.report))
        // Two stacks, two runtime roles: the logical ID does not join them.
        let names = together.setup.resources.roles.map(\.name).sorted()
        #expect(names == ["analytics-EmrEc2Role", "analytics-RuntimeRole", "unrelated-RuntimeRole"])
    }
}
