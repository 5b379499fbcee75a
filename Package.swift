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
        .target(
            name: "RoleCheckKit",
            dependencies: ["CYaml"]
        ),
        .executableTarget(
            name: "rolecheck",
            dependencies: [
                "RoleCheckKit",
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
            dependencies: ["RoleCheckKit"],
            exclude: ["Fixtures", "Snapshots"]
        ),
    ]
)
