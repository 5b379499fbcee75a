import Foundation
import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckModel
@testable import RoleCheckEngine

/// `.tf` files read as people write them: the same model as `terraform show -json`, findings
/// pointing into the `.tf` files.
@Suite struct TerraformHCLTests {
    static let sample = "samples/terraform-hcl/same-account-jupyterlab"

    static func lint(_ folder: String) throws -> LintReport {
        try TestSupport.lint(folder: folder, edits: [])
    }

    static func lint(_ files: [(String, String)]) -> LintReport {
        Linter().lint(files: files.map { SourceFile(path: $0.0, text: $0.1) })
    }

    /// `file:line:column RULE severity` of the findings at warning or error.
    static func serious(_ r: LintReport) -> [String] {
        r.findings.filter { $0.severity != .note }.map {
            "\($0.location.file.split(separator: "/").suffix(2).joined(separator: "/")):\($0.location.range.start.line):\($0.location.range.start.column) \($0.ruleId) \($0.severity.rawValue)"
        }
    }

    @Test func theWorkingSampleHasNoErrorOrWarningAndIsSeenAsAChain() throws {
        let report = try Self.lint(Self.sample)
        #expect(Self.serious(report).isEmpty, "\(report.findings.filter { $0.severity != .note }.map(\.message))")
        // Two runtime roles on the module's cluster, offered by the profile (and the domain): chains.
        let chains = report.findings.filter { $0.ruleId == "RC400" }
        #expect(chains.count >= 2, "\(report.findings.map { "\($0.ruleId) \($0.message)" })")
        #expect(chains.allSatisfy { $0.location.file.hasSuffix(".tf") })
        #expect(report.findings.allSatisfy { $0.ruleId != "RC001" && $0.ruleId != "RC003" })
    }

    @Test func aTrustNamingEC2IsRC305AtTheIdentifiersInThePolicyDocument() throws {
        let report = try Self.lint("samples/terraform-hcl/broken/trust-names-ec2-service")
        let f = try #require(report.findings.first { $0.ruleId == "RC305" && $0.severity == .error })
        #expect(f.location.file.hasSuffix("iam.tf"))
        let iam = try String(contentsOfFile: TestSupport.packageRoot + "/samples/terraform-hcl/broken/trust-names-ec2-service/111122223333-ml-platform/iam.tf", encoding: .utf8)
        let line = iam.split(separator: "\n", omittingEmptySubsequences: false)[f.location.range.start.line - 1]
        #expect(line.contains("ec2.amazonaws.com"), "points at: \(line)")
    }

    @Test func anOldReleaseFromAVariableIsRC201AtTheClustersReleaseLabel() throws {
        let report = try Self.lint("samples/terraform-hcl/broken/release-too-old")
        let f = try #require(report.findings.first { $0.ruleId == "RC201" && $0.severity == .error })
        #expect(f.location.file.hasSuffix("modules/emr/main.tf"))
        #expect(f.message.contains("emr-6.5.0"))
    }

    @Test func aPolicyInAHeredocIsPositionedElementByElement() {
        let tf = """
        resource "aws_iam_role_policy" "p" {
          name = "p"
          role = "r"
          policy = <<EOT
        {
          "Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Action": "elasticmapreduse:ListClusters", "Resource": "*"}]
        }
        EOT
        }
        """
        let report = Self.lint([("111122223333-x/main.tf", tf)])
        let f = report.findings.first { $0.ruleId == "RC103" }
        #expect(f?.location.range.start.line == 7, "\(report.findings.map { "\($0.ruleId) \($0.location.range.start.line):\($0.location.range.start.column)" })")
        #expect(f?.location.range.start.column == 47) // the opening quote of the action, as in a JSON file
    }

    @Test func aPolicyInJsonencodeIsPositionedAtTheHCLElement() {
        let tf = """
        resource "aws_iam_policy" "p" {
          name = "p"
          policy = jsonencode({
            Version = "2012-10-17"
            Statement = [{
              Effect   = "Allow"
              Action   = ["elasticmapreduce:GetClusterSessionCredentials"]
              Resource = "*"
            }]
          })
        }
        """
        let report = Self.lint([("111122223333-x/main.tf", tf)])
        let f = report.findings.first { $0.ruleId == "RC307" }
        #expect(f?.location.range.start.line == 7, "\(report.findings.map { "\($0.ruleId) \($0.location.range.start.line):\($0.location.range.start.column) \($0.message)" })")
    }

    @Test func whatCannotBeKnownIsNeverAnError() {
        // A trust built from a for_each value and a file(): unknown, so not judged.
        let tf = """
        variable "principal" {}
        resource "aws_iam_role" "runtime" {
          for_each = toset(["a", "b"])
          name     = "emr-runtime-${each.key}"
          assume_role_policy = jsonencode({
            Version = "2012-10-17"
            Statement = [{ Effect = "Allow", Principal = { AWS = var.principal }, Action = ["sts:AssumeRole", "sts:TagSession"] }]
          })
        }
        resource "aws_iam_role_policy" "p" {
          role   = "x"
          policy = file("policy.json")
        }
        """
        let report = Self.lint([("111122223333-x/main.tf", tf)])
        #expect(report.count(.error) == 0, "\(report.findings.map { "\($0.ruleId) \($0.message)" })")
        #expect(!report.findings.contains { $0.ruleId == "RC001" })
    }

    @Test func badHCLIsRC001WithLineAndColumn() {
        let report = Self.lint([("x/main.tf", "resource \"aws_iam_role\" \"r\" {\n  name = \n}\n")])
        let f = report.findings.first { $0.ruleId == "RC001" }
        #expect(f != nil)
        #expect(f?.location.range.start.line == 3 || f?.location.range.start.line == 2)
        #expect(f?.message.contains("HCL") == true, "\(f?.message ?? "")")
    }

    @Test func theSameSetupAsTerraformShowJSONGivesTheSameRules() throws {
        // samples/terraform holds this setup as `terraform show -json` state.
        let hcl = try Self.lint(Self.sample)
        let json = try Self.lint("samples/terraform/same-account-jupyterlab")
        func rules(_ r: LintReport) -> [String] { r.findings.map { "\($0.ruleId) \($0.severity.rawValue)" }.sorted() }
        #expect(rules(hcl) == rules(json), "hcl: \(rules(hcl)); json: \(rules(json))")
    }

    @Test func aResourceWhoseCountIsZeroDoesNotExist() {
        let tf = """
        variable "create" { default = false }
        resource "aws_iam_role" "r" {
          count = var.create ? 1 : 0
          name  = "x"
          assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = "*", Action = "sts:AssumeRole" }] })
        }
        """
        let off = Self.lint([("111122223333-x/main.tf", tf)])
        #expect(!off.findings.contains { $0.ruleId == "RC106" })
        let on = Self.lint([("111122223333-x/main.tf", tf.replacing("default = false", with: "default = true"))])
        #expect(on.findings.contains { $0.ruleId == "RC106" }, "\(on.findings.map(\.ruleId))")
    }

    @Test func namedAloneATfFileReadsItsDirectoryAndTheLocalModuleFromDisk() throws {
        let cli = CLITests()
        let r = try cli.run(["lint", "samples/terraform-hcl/broken/trust-names-ec2-service/111122223333-ml-platform/iam.tf", "--format", "json"])
        #expect(r.status == 1, "\(r.stderr)")
        let found = try cli.findings(r.stdout)
        // The chain (through the module's cluster and instance-profile role) makes the roles
        // runtime roles; only the named file's findings are reported.
        #expect(found.count == 2 && found.allSatisfy { $0.hasSuffix("iam.tf:10:23 RC305") }, "\(found)")
    }
}
