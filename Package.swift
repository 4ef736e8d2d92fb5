// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way (see README "Architecture"):
// C shims → LuaKit → Scripting → REPL → blendbatch; domain targets never import Lua.
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
        .target(name: "RenderPlan"),
        // posix_spawn as every child of ours starts (own process group, default signals, no leaked fds).
        .target(name: "ProcessSpawn"),
        .target(name: "AWSCore", dependencies: [
            "ProcessSpawn",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .target(name: "ObjectStore", dependencies: [
            "AWSCore", .product(name: "Crypto", package: "swift-crypto"), .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .target(name: "AWSServices", dependencies: ["AWSCore"]),
        .target(name: "Render", dependencies: [
            "BlendFile", "RenderPlan", "ObjectStore", "ProcessSpawn",
            .product(name: "Logging", package: "swift-log"),
        ], resources: [.embedInCode("Blender/render_driver.py")]),
        .target(name: "Executors", dependencies: ["Render", "AWSServices", "ProcessSpawn"],
                resources: [.embedInCode("Cost/prices.json")]),
        .target(name: "Chaos", dependencies: ["Executors", "AWSServices"]),

        // Lua side.
        .target(name: "Notify", dependencies: [
            .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
        ]),

        .target(name: "LuaKit", dependencies: ["CLuaShim"]),
        .target(name: "Scripting", dependencies: [
            "LuaKit", "BlendFile", "RenderPlan", "ObjectStore", "Render", "Executors", "Chaos", "Notify",
        ]),
        .target(name: "REPL", dependencies: ["Scripting", "CEditline"]),

        // Products.
        .executableTarget(name: "blendbatch", dependencies: [
            "Scripting", "REPL", "BlendFile", "RenderPlan", "ObjectStore", "Render",
            "Executors", "Chaos", "AWSServices",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "BlendBatchLua", dependencies: ["Scripting"]),

        // Tests, one target per source target; CLITests drives the built binary. TestSupport holds
        // what they share: requirements (skip, or fail under CI), moto fixtures, process runners, stand-in servers.
        .target(name: "TestSupport", dependencies: ["AWSCore", "AWSServices", "ObjectStore"], path: "Tests/TestSupport"),
        .testTarget(name: "LuaKitTests", dependencies: ["LuaKit", "TestSupport"]),
        .testTarget(name: "REPLTests", dependencies: ["REPL", "ProcessSpawn", "TestSupport"]),
        .testTarget(name: "BlendFileTests", dependencies: ["BlendFile", "TestSupport"]),
        .testTarget(name: "RenderPlanTests", dependencies: ["RenderPlan", "TestSupport"]),
        .testTarget(name: "ProcessSpawnTests", dependencies: ["ProcessSpawn", "TestSupport"]),
        .testTarget(name: "AWSCoreTests", dependencies: ["AWSCore", "TestSupport"]),
        .testTarget(name: "ObjectStoreTests", dependencies: ["ObjectStore", "TestSupport"]),
        .testTarget(name: "AWSServicesTests", dependencies: ["AWSServices", "TestSupport"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "TestSupport"]),
        .testTarget(name: "ExecutorsTests", dependencies: ["Executors", "TestSupport"]),
        .testTarget(name: "ChaosTests", dependencies: ["Chaos", "TestSupport"]),
        .testTarget(name: "ScriptingTests", dependencies: ["Scripting", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["blendbatch", "TestSupport"]),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport"]),
    ]
)
