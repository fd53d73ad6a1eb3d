// swift-tools-version:6.1
import PackageDescription

/// libFuzzer builds of intake's parsers (the bodies are `FuzzTarget` in the root package's
/// `IntakeFuzzing`). A package of its own so that `-sanitize=fuzzer` (coverage instrumentation
/// and libFuzzer at link time) never touches the root package's build. Build and run with
/// `scripts/fuzz`.
let root = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "intake"

let package = Package(
    name: "intake-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "intake-fuzz",
            dependencies: [.product(name: "IntakeFuzzing", package: root)]),
    ],
    swiftLanguageModes: [.v6]
)
