// swift-tools-version: 6.0
// libFuzzer targets for rolecheck. Built by scripts/fuzz (not by `swift build` at the root):
//   swift build --package-path Fuzz -c release --sanitize=fuzzer --sanitize=address --disable-dead-strip
// Each target exports `LLVMFuzzerTestOneInput`; libFuzzer supplies `main`.
import PackageDescription

let package = Package(
    name: "rolecheck-fuzz",
    dependencies: [
        .package(name: "rolecheck", path: ".."),
    ],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "RoleCheckKit", package: "rolecheck")]),
        .executableTarget(name: "fuzz-json", dependencies: ["FuzzSupport", .product(name: "RoleCheckKit", package: "rolecheck")],
                          path: "Sources/FuzzJSON"),
        .executableTarget(name: "fuzz-yaml", dependencies: ["FuzzSupport", .product(name: "RoleCheckKit", package: "rolecheck")],
                          path: "Sources/FuzzYAML"),
        .executableTarget(name: "fuzz-policy", dependencies: ["FuzzSupport", .product(name: "RoleCheckKit", package: "rolecheck")],
                          path: "Sources/FuzzPolicy"),
        .executableTarget(name: "fuzz-hcl", dependencies: ["FuzzSupport", .product(name: "RoleCheckKit", package: "rolecheck")],
                          path: "Sources/FuzzHCL"),
        .executableTarget(name: "fuzz-lint", dependencies: ["FuzzSupport", .product(name: "RoleCheckKit", package: "rolecheck")],
                          path: "Sources/FuzzLint"),
    ]
)
