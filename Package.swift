// swift-tools-version:6.1
import PackageDescription

/// intake: messy real-world signals (text, voice, scanned pages, vibration) in, aligned orders out.
///
/// Layers, each importing only from below:
/// 1. `IntakeCore`: order contract, `Stage`, the Dispatch pipeline engine, configuration.
/// 2. `IntakeAlignment`: material master, devices, maintenance history, intent knowledge graph,
///    matchers, text parser. `IntakeReview`: the review queue and its SQLite store.
/// 3. Modalities (`IntakeText`, `IntakeVibration`, `IntakeVoice`, `IntakeDocuments`) each exposing stages; the C libraries behind
///    `C*` system targets.
///    `IntakeServer`: HTTP intake, review API and page, tokens, metrics, watch folder.
/// 4. `intake`: the command line, the composition root.
let package = Package(
    name: "intake",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "intake", targets: ["intake"]),
        .executable(name: "intake-bench", targets: ["intake-bench"]),
        // The fuzz targets' bodies, for the libFuzzer package in Fuzz/.
        .library(name: "IntakeFuzzing", targets: ["IntakeFuzzing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The server: ConfigurationSupport is off (intake reads its own YAML), saving a package build.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The scale-out store: PostgreSQL's wire protocol, and the event loops it runs on.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // MARK: C libraries (Debian: libpocketsphinx-dev, libtesseract-dev, libleptonica-dev, libfftw3-dev)
        .systemLibrary(
            name: "CPocketSphinx", pkgConfig: "pocketsphinx",
            providers: [.apt(["libpocketsphinx-dev", "libsphinxbase-dev"])]),
        .systemLibrary(
            name: "CTesseract", pkgConfig: "tesseract",
            providers: [.apt(["libtesseract-dev"])]),
        .systemLibrary(
            name: "CLeptonica", pkgConfig: "lept",
            providers: [.apt(["libleptonica-dev"])]),
        .systemLibrary(
            name: "CFFTW", pkgConfig: "fftw3",
            providers: [.apt(["libfftw3-dev"])]),

        // MARK: Layer 1: core
        .target(
            name: "IntakeCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]),

        // MARK: Layer 2: alignment
        .target(name: "IntakeAlignment", dependencies: ["IntakeCore"]),

        // MARK: Layer 2: review queue and its store (SQLite through GRDB, or PostgreSQL through postgres-nio)
        .target(
            name: "IntakeReview",
            dependencies: [
                "IntakeCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]),

        // MARK: Layer 2: signal processing shared by modalities (FFTW)
        .target(name: "IntakeSignal", dependencies: ["IntakeCore", "CFFTW"]),

        // MARK: Layer 3: modalities
        .target(name: "IntakeText", dependencies: ["IntakeCore", "IntakeAlignment"]),
        .target(name: "IntakeVibration", dependencies: ["IntakeCore", "IntakeAlignment", "IntakeSignal"]),
        .target(name: "IntakeVoice", dependencies: ["IntakeCore", "IntakeAlignment", "IntakeSignal", "CPocketSphinx"]),
        .target(name: "IntakeDocuments", dependencies: ["IntakeCore", "IntakeAlignment", "CTesseract", "CLeptonica"]),

        // MARK: Layer 3: the HTTP server (feeds the pipeline, reads the store; knows no modality)
        .target(
            name: "IntakeServer",
            dependencies: [
                "IntakeCore", "IntakeReview",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            resources: [.copy("Web")]),

        // MARK: Layer 4: executables
        .executableTarget(
            name: "intake",
            dependencies: [
                "IntakeCore", "IntakeAlignment", "IntakeText", "IntakeVibration", "IntakeVoice", "IntakeDocuments", "IntakeReview", "IntakeServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "intake-bench",
            dependencies: [
                "IntakeCore", "IntakeAlignment", "IntakeText", "IntakeSignal", "IntakeVibration", "IntakeVoice", "IntakeDocuments", "IntakeReview",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: Fuzz targets (run by libFuzzer from Fuzz/, and by IntakeFuzzingTests)
        .target(
            name: "IntakeFuzzing",
            dependencies: [
                "IntakeCore", "IntakeAlignment", "IntakeText", "IntakeVibration", "IntakeVoice",
                .product(name: "Logging", package: "swift-log"),
            ]),

        // MARK: Tests
        .testTarget(
            name: "IntakeCoreTests",
            dependencies: [
                "IntakeCore", "IntakeTestSupport",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]),
        .testTarget(name: "IntakeAlignmentTests", dependencies: ["IntakeAlignment"]),
        .testTarget(name: "IntakeTextTests", dependencies: ["IntakeText", "IntakeAlignment"]),
        .testTarget(name: "IntakeSignalTests", dependencies: ["IntakeSignal"]),
        .testTarget(name: "IntakeVibrationTests", dependencies: ["IntakeVibration", "IntakeSignal", "IntakeAlignment", "IntakeCore", "IntakeTestSupport"]),
        .testTarget(name: "IntakeVoiceTests", dependencies: ["IntakeVoice", "IntakeAlignment", "IntakeCore", "IntakeTestSupport"]),
        .testTarget(name: "IntakeDocumentsTests", dependencies: ["IntakeDocuments", "IntakeAlignment", "IntakeCore", "IntakeTestSupport"]),
        .testTarget(
            name: "IntakeReviewTests",
            dependencies: ["IntakeReview", "IntakeCore", "IntakeTestSupport", .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(
            name: "IntakeServerTests",
            dependencies: [
                "IntakeServer", "IntakeReview", "IntakeCore", "IntakeAlignment", "IntakeVibration", "intake", "IntakeTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]),
        .testTarget(name: "IntakeFuzzingTests", dependencies: ["IntakeFuzzing"]),
        .testTarget(name: "intakeTests", dependencies: ["intake", "IntakeCore", "IntakeReview", "IntakeTestSupport"]),
        // Helpers more than one test target needs (not shipped in any product).
        .target(name: "IntakeTestSupport", path: "Tests/IntakeTestSupport"),
        .testTarget(
            name: "CLibrariesTests",
            dependencies: ["CPocketSphinx", "CTesseract", "CLeptonica", "CFFTW"]),
    ],
    swiftLanguageModes: [.v6]
)
