// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "Minsheng",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "minsheng", targets: ["minsheng"])
  ],
  // Each dependency is pinned to the minor version it is tested with (README: "Updating dependencies").
  dependencies: [
    .package(url: "https://github.com/vapor/fluent-kit.git", .upToNextMinor(from: "1.57.0")),
    .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", .upToNextMinor(from: "4.9.0")),
    .package(url: "https://github.com/vapor/fluent-postgres-driver.git", .upToNextMinor(from: "2.14.0")),
    // The SQLite fast paths use the sqlite3 library that sqlite-nio vendors (docs/architecture.md);
    // SQLiteBuildTests fail when an update changes the version or compile options they rely on.
    .package(url: "https://github.com/vapor/sqlite-nio.git", .upToNextMinor(from: "1.13.2")),
    .package(url: "https://github.com/apple/swift-crypto.git", .upToNextMinor(from: "3.12.3")),
    .package(url: "https://github.com/apple/swift-argument-parser.git", .upToNextMinor(from: "1.8.2")),
    .package(url: "https://github.com/apple/swift-log.git", .upToNextMinor(from: "1.16.2")),
    .package(url: "https://github.com/apple/swift-metrics.git", .upToNextMinor(from: "2.13.0")),
    .package(url: "https://github.com/swift-server/swift-prometheus.git", .upToNextMinor(from: "2.4.1")),
    .package(url: "https://github.com/yaslab/CSV.swift.git", .upToNextMinor(from: "2.5.2")),
    .package(url: "https://github.com/vapor/vapor.git", .upToNextMinor(from: "4.122.3")),
    .package(url: "https://github.com/vapor/leaf.git", .upToNextMinor(from: "4.5.2")),
    .package(url: "https://github.com/vapor/leaf-kit.git", .upToNextMinor(from: "1.14.3")),
    .package(url: "https://github.com/apple/swift-nio.git", .upToNextMinor(from: "2.101.2")),
    .package(url: "https://github.com/apple/swift-nio-ssl.git", .upToNextMinor(from: "2.37.6")),
  ],
  targets: [
    .target(
      name: "MinshengCore",
      dependencies: ["MinshengText"],
      resources: [.copy("Data"), .copy("Localization/zh-Hans.json"), .copy("Localization/en.json")]
    ),
    .target(name: "MinshengText"),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
    .target(
      name: "MinshengStore",
      dependencies: [
        "MinshengCore",
        .product(name: "FluentKit", package: "fluent-kit"),
        .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
        .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "SQLiteNIO", package: "sqlite-nio"),
      ]
    ),
    .target(
      name: "MinshengServer",
      dependencies: [
        "MinshengCore", "MinshengStore", "MinshengText", "CZlib",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Vapor", package: "vapor"),
        .product(name: "Leaf", package: "leaf"),
        .product(name: "LeafKit", package: "leaf-kit"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "CSV", package: "CSV.swift"),
      ]
    ),
    .executableTarget(name: "minsheng", dependencies: ["MinshengServer"]),
    .target(
      name: "MinshengTestSupport",
      dependencies: ["MinshengCore", "MinshengStore"]
    ),
    .executableTarget(
      name: "StoreBenchmark",
      dependencies: [
        "MinshengCore", "MinshengStore",
        .product(name: "SQLiteNIO", package: "sqlite-nio"),
      ],
      path: "Benchmarks/StoreBenchmark"
    ),
    .executableTarget(
      name: "DuplicatesBenchmark",
      dependencies: ["MinshengCore", "MinshengStore", "MinshengText", .product(name: "CSV", package: "CSV.swift")],
      path: "Benchmarks/DuplicatesBenchmark"
    ),
    .executableTarget(
      name: "SearchBenchmark",
      dependencies: ["MinshengCore", "MinshengStore", .product(name: "CSV", package: "CSV.swift")],
      path: "Benchmarks/SearchBenchmark"
    ),
    .testTarget(name: "MinshengCoreTests", dependencies: ["MinshengCore", "MinshengText", "MinshengTestSupport"]),
    .testTarget(name: "MinshengTextTests", dependencies: ["MinshengText"]),
    .testTarget(
      name: "MinshengStoreTests", dependencies: ["MinshengStore", "MinshengCore", "MinshengTestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "MinshengServerTests",
      dependencies: [
        "MinshengServer", "MinshengStore", "MinshengCore", "MinshengText", "MinshengTestSupport",
        .product(name: "VaporTesting", package: "vapor"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ]),
  ],
  swiftLanguageModes: [.v6]
)
