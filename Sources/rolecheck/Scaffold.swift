import ArgumentParser
import RoleCheckKit
import RoleCheckScaffold

extension ScaffoldOption: ExpressibleByArgument {}
extension ScaffoldApp: ExpressibleByArgument {}
extension ScaffoldFormat: ExpressibleByArgument {}

/// `rolecheck scaffold`: writes a least-privilege runtime-role setup for one arrangement.
struct ScaffoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaffold",
        abstract: "Write a complete, least-privilege runtime-role setup for one arrangement.",
        discussion: """
        Writes every trust and permission policy, the EMR security configuration and cluster, the \
        bucket policy (option 2), the Studio user profile (and Studio Classic's lifecycle \
        configuration), one folder per account, as AWS CLI documents, CloudFormation templates or \
        Terraform, with a README.md that says what each document is for and how to apply it. \
        Accounts: same-account needs only --studio-account; options 1, 2 and 3 need --data-account \
        (option 1: the account of the cluster, the runtime roles and the data; option 2: of the data \
        bucket; option 3: of the runtime roles and the data). The output lints clean with rolecheck. \
        See docs/scaffold.md.
        """
    )

    @Option(help: "The arrangement (same-account, or option 1, 2 or 3).")
    var option: ScaffoldOption

    @Option(help: "The Studio app: classic (Studio Classic) or jupyterlab (the new Studio).")
    var app: ScaffoldApp

    @Option(name: .customLong("studio-account"), help: ArgumentHelp("The Studio account (12 digits).", valueName: "id"))
    var studioAccount: String

    @Option(name: .customLong("data-account"), help: ArgumentHelp("The other account of options 1, 2 and 3.", valueName: "id"))
    var dataAccount: String?

    @Option(name: .customLong("cluster-account"), help: ArgumentHelp("The cluster's account: the data account in option 1, the Studio account otherwise.", valueName: "id"))
    var clusterAccount: String?

    @Option(name: .customLong("cluster-name"), help: ArgumentHelp("The cluster's name; it also names its roles and configurations (default: \(ScaffoldRequest.defaultClusterName)).", valueName: "name"))
    var clusterName: String?

    @Option(name: .customLong("runtime-role"), help: ArgumentHelp("A runtime role's name (repeatable, at most 5; default: \(ScaffoldRequest.defaultRuntimeRole)).", valueName: "name"))
    var runtimeRoles: [String] = []

    @Option(help: ArgumentHelp("The AWS Region (default: \(ScaffoldRequest.defaultRegion)).", valueName: "region"))
    var region: String?

    @Option(name: .customLong("domain-id"), help: ArgumentHelp("The SageMaker domain the user profile joins (default: asked for when you apply).", valueName: "id"))
    var domainId: String?

    @Option(name: .customLong("user-profile"), help: ArgumentHelp("The Studio user profile to create (default: \(ScaffoldRequest.defaultUserProfile)).", valueName: "name"))
    var userProfile: String?

    @Option(name: .customLong("subnet-id"), help: ArgumentHelp("The cluster's subnet (default: asked for when you apply).", valueName: "id"))
    var subnetId: String?

    @Option(name: .customLong("data-bucket"), help: ArgumentHelp("The S3 bucket the runtime roles read (default: studio-emr-data-<data account>).", valueName: "name"))
    var dataBucket: String?

    @Option(name: .customLong("tls-certificates"), help: ArgumentHelp("The zip of PEM certificates for in-transit encryption (default: s3://emr-certificates-<cluster account>-<region>/<cluster>/certs.zip).", valueName: "s3-uri"))
    var certificates: String?

    @Option(name: .customLong("release-label"), help: ArgumentHelp("The EMR release, emr-6.10.0 or later (default: \(ScaffoldRequest.defaultReleaseLabel)).", valueName: "label"))
    var releaseLabel: String?

    @Option(help: "How to write the setup.")
    var format: ScaffoldFormat

    @Option(help: ArgumentHelp("The folder to write into; it must be new or empty unless --force.", valueName: "dir"))
    var output: String

    @Flag(help: "Write into a folder that is not empty: the scaffold's files are overwritten, other files are left as they are.")
    var force = false

    func run() throws {
        var request = ScaffoldRequest(option: option, app: app, format: format, studioAccount: studioAccount)
        request.dataAccount = dataAccount
        request.clusterAccount = clusterAccount
        request.clusterName = clusterName
        request.runtimeRoles = runtimeRoles
        request.region = region
        request.domainId = domainId
        request.userProfile = userProfile
        request.subnetId = subnetId
        request.dataBucket = dataBucket
        request.certificates = certificates
        request.releaseLabel = releaseLabel
        do {
            let files = try Scaffold.files(for: request)
            let outcome = try ScaffoldWriter.write(files, to: output, force: force)
            Terminal.writeOutput("wrote \(outcome.written) files to \(output); read \(output)/README.md, and check with: rolecheck lint \(output)\n")
            if !outcome.others.isEmpty {
                Terminal.writeError("rolecheck: note: \(output) also holds \(outcome.others.count) file\(outcome.others.count == 1 ? "" : "s") this scaffold did not write (such as \(outcome.others[0])); rolecheck lint \(output) reads them too\n")
            }
        } catch {
            throw UsageFailure(description: error.message)
        }
    }
}
