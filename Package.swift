// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "rolecheck",
    products: [
        .library(name: "RoleCheckKit", targets: ["RoleCheckKit"]),
        .executable(name: "rolecheck", targets: ["rolecheck"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The system libyaml (Debian: libyaml-dev, pkg-config: yaml-0.1).
        .systemLibrary(
            name: "CYaml",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // The library in layers that only look down; each is a target, so the compiler checks it.
        // Core: positions, findings, severities — what every layer may speak of.
        .target(name: "RoleCheckCore"),
        // Documents: bytes → positioned trees (JSON, YAML; documents embedded in strings).
        .target(name: "RoleCheckDocuments", dependencies: ["RoleCheckCore", "CYaml"]),
        // IAM: the policy model, the action catalog and the evaluator.
        .target(name: "RoleCheckIAM", dependencies: ["RoleCheckCore", "RoleCheckDocuments"]),
        // Model: typed AWS resources from every input format, Studio contexts, chains and hops.
        .target(name: "RoleCheckModel", dependencies: ["RoleCheckCore", "RoleCheckDocuments", "RoleCheckIAM"]),
        // Rules: one file per rule, in family folders; rule metadata embedded from rules/*.yaml.
        .target(name: "RoleCheckRules",
                dependencies: ["RoleCheckCore", "RoleCheckDocuments", "RoleCheckIAM", "RoleCheckModel"]),
        // Engine: runs the rules; configuration, suppressions, baselines, simulation.
        .target(name: "RoleCheckEngine",
                dependencies: ["RoleCheckCore", "RoleCheckDocuments", "RoleCheckIAM", "RoleCheckModel", "RoleCheckRules"]),
        // Reporting: text, JSON, SARIF, GitHub, GitLab Code Quality, JUnit, HTML, the setup graph.
        .target(name: "RoleCheckReporting",
                dependencies: ["RoleCheckCore", "RoleCheckDocuments", "RoleCheckIAM", "RoleCheckModel", "RoleCheckRules",
                               "RoleCheckEngine"]),
        // The system libcurl, loaded with dlopen only when `catalog update` fetches over HTTP (linking
        // it, or FoundationNetworking, would load some thirty libraries at every start).
        .target(name: "CCurlShim",
                linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // Collect: reads live accounts through the user's AWS CLI into the layout lint reads; fetches
        // AWS's service reference for `catalog update`.
        .target(name: "RoleCheckCollect",
                dependencies: ["RoleCheckCore", "RoleCheckDocuments", "RoleCheckIAM", "RoleCheckModel", "CCurlShim"]),
        // Scaffold: writes a least-privilege setup for a documented arrangement (CLI documents,
        // CloudFormation, Terraform). It builds documents only; its tests lint what it writes.
        .target(name: "RoleCheckScaffold", dependencies: ["RoleCheckCore"]),
        // The library as the CLI, the benchmarks and the fuzzers use it: every layer re-exported.
        .target(name: "RoleCheckKit",
                dependencies: ["RoleCheckCore", "RoleCheckDocuments", "RoleCheckIAM", "RoleCheckModel", "RoleCheckRules",
                               "RoleCheckEngine", "RoleCheckReporting"]),
        .executableTarget(
            name: "rolecheck",
            dependencies: [
                "RoleCheckKit", "RoleCheckCollect", "RoleCheckScaffold",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Parser throughput benchmark: `swift run -c release rolecheck-bench`.
        .executableTarget(
            name: "rolecheck-bench",
            dependencies: ["RoleCheckKit"]
        ),
        .testTarget(
            name: "RoleCheckKitTests",
            dependencies: ["RoleCheckKit", "RoleCheckCore", "RoleCheckDocuments", "RoleCheckIAM", "RoleCheckModel",
                           "RoleCheckRules", "RoleCheckEngine", "RoleCheckReporting", "RoleCheckCollect",
                           "RoleCheckScaffold"],
            exclude: ["Fixtures", "Snapshots"]
        ),
    ]
)
