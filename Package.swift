// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way (see README "Architecture"):
// C shims → LuaKit → Scripting → REPL → blendbatch; domain targets never import Lua.
// Each target lists every module it imports (scripts/check-imports, run by scripts/test, checks it).

/// Settings every Swift target and test target builds with (added below); Swift 6 language mode
/// comes from the tools version.
let swiftSettings: [SwiftSetting] = [
    // A file sees another module's members only when it imports that module itself (SE-0444).
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "blendbatch",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "blendbatch", targets: ["blendbatch"]),
        .library(name: "BlendBatchLua", type: .dynamic, targets: ["BlendBatchLua"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
    ],
    targets: [
        // System libraries (Debian -dev packages, found through pkg-config).
        .systemLibrary(name: "CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        .systemLibrary(name: "CEditline", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The only code that ever raises a Lua error (longjmp never crosses a Swift frame).
        .target(name: "CLuaShim", dependencies: ["CLua"]),

        // Domain targets: no Lua here.
        .target(name: "BlendFile", dependencies: ["CZstd", "CZlib"]),
        // libFuzzer harness for the .blend reader (scripts/fuzz-blend); a replay tool otherwise.
        .executableTarget(name: "BlendFuzz", dependencies: ["BlendFile"]),
        .target(name: "RenderPlan", dependencies: ["BlendFile"]),
        // posix_spawn as every child of ours starts (own process group, default signals, no leaked fds).
        .target(name: "ProcessSpawn"),
        .target(name: "AWSCore", dependencies: [
            "ProcessSpawn",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .target(name: "ObjectStore", dependencies: [
            "AWSCore", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"), .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .target(name: "AWSServices", dependencies: ["AWSCore"]),
        .target(name: "Render", dependencies: [
            "BlendFile", "RenderPlan", "AWSCore", "ObjectStore", "ProcessSpawn",
            .product(name: "Logging", package: "swift-log"),
        ], resources: [.embedInCode("Blender/render_driver.py")]),
        .target(name: "Executors", dependencies: [
            "Render", "BlendFile", "RenderPlan", "AWSCore", "AWSServices", "ObjectStore", "ProcessSpawn",
            .product(name: "Crypto", package: "swift-crypto"),
        ],
                resources: [.embedInCode("Cost/prices.json")]),
        .target(name: "Chaos", dependencies: ["Executors", "RenderPlan", "AWSCore", "AWSServices"]),

        // Lua side.
        .target(name: "Notify", dependencies: [
            .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),

        .target(name: "LuaKit", dependencies: ["CLuaShim"]),
        .target(name: "Scripting", dependencies: [
            "LuaKit", "BlendFile", "RenderPlan", "AWSCore", "AWSServices", "ObjectStore", "ProcessSpawn", "Render", "Executors", "Chaos",
            "Notify",
        ]),
        .target(name: "REPL", dependencies: ["Scripting", "LuaKit", "CLuaShim", "RenderPlan", "CEditline"]),

        // Products.
        .executableTarget(name: "blendbatch", dependencies: [
            "Scripting", "REPL", "LuaKit", "BlendFile", "RenderPlan", "AWSCore", "ObjectStore", "Render",
            "Executors", "Chaos", "AWSServices",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "BlendBatchLua", dependencies: ["Scripting"]),

        // Tests, one target per source target; CLITests drives the built binary. TestSupport holds
        // what they share: requirements (skip, or fail under CI), moto fixtures, process runners, stand-in servers.
        .target(name: "TestSupport", dependencies: ["AWSCore", "AWSServices", "ObjectStore"], path: "Tests/TestSupport"),
        .testTarget(name: "LuaKitTests", dependencies: ["LuaKit", "TestSupport"]),
        .testTarget(name: "REPLTests", dependencies: ["REPL", "LuaKit", "ProcessSpawn", "TestSupport"]),
        .testTarget(name: "BlendFileTests", dependencies: ["BlendFile", "TestSupport"]),
        .testTarget(name: "RenderPlanTests", dependencies: ["RenderPlan", "BlendFile", "TestSupport"]),
        .testTarget(name: "ProcessSpawnTests", dependencies: ["ProcessSpawn", "TestSupport"]),
        .testTarget(name: "AWSCoreTests", dependencies: ["AWSCore", .product(name: "Crypto", package: "swift-crypto"), "TestSupport"]),
        .testTarget(name: "ObjectStoreTests", dependencies: [
            "ObjectStore", "AWSCore", .product(name: "Crypto", package: "swift-crypto"), "TestSupport",
        ]),
        .testTarget(name: "AWSServicesTests", dependencies: ["AWSServices", "AWSCore", "TestSupport"]),
        .testTarget(name: "RenderTests", dependencies: [
            "Render", "BlendFile", "CZstd", "RenderPlan", "AWSCore", "ObjectStore", "ProcessSpawn", "TestSupport",
        ]),
        .testTarget(name: "ExecutorsTests", dependencies: [
            "Executors", "Render", "BlendFile", "RenderPlan", "AWSCore", "AWSServices", "ObjectStore", "ProcessSpawn", "TestSupport",
        ]),
        .testTarget(name: "ChaosTests", dependencies: ["Chaos", "Executors", "RenderPlan", "AWSCore", "AWSServices", "TestSupport"]),
        .testTarget(name: "ScriptingTests", dependencies: [
            "Scripting", "LuaKit", "Executors", "RenderPlan", "AWSCore", "AWSServices", "ObjectStore", "TestSupport",
        ]),
        .testTarget(name: "CLITests", dependencies: [
            "blendbatch", "Render", "RenderPlan", "Executors", "AWSCore", "AWSServices", "ObjectStore", "TestSupport",
        ]),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport"]),
    ]
)

// Every target but the system libraries (CLuaShim, the one C target, has no Swift to apply them to).
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + swiftSettings
}
