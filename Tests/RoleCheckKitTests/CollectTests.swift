import Foundation
import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckCollect

/// `rolecheck collect`'s pieces that need no AWS: how a failed CLI call is read, and the
/// least-privilege policy docs/collect.md gives (CollectMotoTests runs collect itself).
@Suite struct CollectTests {
    /// The least-privilege policy for collect, linted as an identity policy: no finding.
    @Test func theCollectPolicyHasNoFinding() throws {
        let path = TestSupport.packageRoot + "/docs/collect-policy.json"
        let text = String(decoding: try #require(TestSupport.readFile(path)), as: UTF8.self)
        let report = TestSupport.lint([("docs/collect-policy.json", text)])
        #expect(report.findings.isEmpty, "\(report.findings.map { "\($0.ruleId) \($0.message)" })")
        let policy = PolicyDocument.parse(try JSONParser.parse(file: SourceFile(path: path, text: text)).get().root, kind: .identity,
                                          label: "collect policy")
        #expect(policy.problems.isEmpty, "\(policy.problems)")
        // Every call collect makes, and those the CLI makes for it (`emr describe-cluster` also
        // lists the instance groups or fleets and the bootstrap actions), is allowed.
        for action in ["iam:GetAccountAuthorizationDetails", "iam:ListAccountAliases", "elasticmapreduce:ListClusters",
                       "elasticmapreduce:DescribeCluster", "elasticmapreduce:ListInstanceGroups", "elasticmapreduce:ListInstanceFleets",
                       "elasticmapreduce:ListBootstrapActions", "elasticmapreduce:ListSecurityConfigurations",
                       "elasticmapreduce:DescribeSecurityConfiguration", "sagemaker:ListDomains", "sagemaker:DescribeDomain",
                       "sagemaker:ListUserProfiles", "sagemaker:DescribeUserProfile", "sagemaker:ListSpaces", "sagemaker:DescribeSpace",
                       "lakeformation:GetDataLakeSettings", "s3:GetBucketPolicy", "organizations:DescribeOrganization",
                       "organizations:ListAccounts", "organizations:ListParents", "organizations:ListPoliciesForTarget",
                       "organizations:DescribePolicy"] {
            #expect(text.contains("\"\(action)\""), "docs/collect-policy.json does not grant \(action)")
        }
    }

    /// A server that answers with an HTML page or an XML error instead of an AWS JSON error (an
    /// emulator, a proxy): the call is summed up by the CLI's own line and what the body says.
    @Test func aFailedCallIsSummedUpInOneLine() {
        let html = """

        An error occurred (500) when calling the ListSpaces operation (reached max retries: 0): <!doctype html>
        <html lang=en>
        <title>500 Internal Server Error</title>
        <h1>Internal Server Error</h1>
        <p>The server encountered an internal error and was unable to complete your request.</p>
        """
        let outcome = AWSCLI.classify(html, status: 255)
        #expect(outcome.status == "not-supported")
        #expect(outcome.message == "An error occurred (500) when calling the ListSpaces operation (reached max retries: 0): 500 Internal Server Error")

        let xml = """

        An error occurred (403) when calling the ListInstanceGroups operation: <?xml version="1.0" encoding="utf-8"?>
        <ErrorResponse><Errors><Error><Code>AccessDenied</Code><Message>User: arn:aws:iam::111122223333:user/c is not authorized to perform: elasticmapreduce:ListInstanceGroups</Message><Type>Sender</Type></Error></Errors></ErrorResponse>
        """
        let denied = AWSCLI.classify(xml, status: 254)
        #expect(denied.status == "access-denied")
        #expect(denied.message == "An error occurred (403) when calling the ListInstanceGroups operation: AccessDenied: User: arn:aws:iam::111122223333:user/c is not authorized to perform: elasticmapreduce:ListInstanceGroups")

        let plain = AWSCLI.classify("\nAn error occurred (AccessDenied) when calling the GetBucketPolicy operation: Access Denied\n", status: 254)
        #expect(plain.status == "access-denied")
        #expect(plain.message == "An error occurred (AccessDenied) when calling the GetBucketPolicy operation: Access Denied")

        let unknown = AWSCLI.classify("""
            usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]
            aws: error: argument operation: Invalid choice, valid choices are:

            add-instance-fleet                       | add-instance-groups

            Invalid choice: 'list-instance-groups', maybe you meant:

              * list-instances
            """, status: 252)
        #expect(unknown.status == "not-supported")
        #expect(unknown.message == "Invalid choice: 'list-instance-groups', maybe you meant:")
        #expect(AWSCLI.classify("", status: 3).message == "exit status 3")
    }
}
