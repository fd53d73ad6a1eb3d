import Foundation
import IntakeFuzzing

/// `intake-fuzz`: libFuzzer driving one `FuzzTarget`, chosen by INTAKE_FUZZ_TARGET (wav, alert,
/// csv, yaml, text); every argument is libFuzzer's (`-runs=`, `-max_total_time=`, the corpus
/// folder), and the target's seed folders (`FuzzTarget.seedFolders`) are added after them.
/// Build with `-sanitize=fuzzer`, which instruments the code and links libFuzzer.
@main
enum IntakeFuzz {
    static func main() {
        let name = ProcessInfo.processInfo.environment["INTAKE_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            let known = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("intake-fuzz: set INTAKE_FUZZ_TARGET to one of: \(known)\n".utf8))
            exit(2)
        }
        selected = target
        let seeds = target.seedFolders.map { FuzzTarget.packageRoot.appendingPathComponent($0).path }
        let arguments = (CommandLine.arguments + seeds).map { strdup($0) } + [nil]
        // A buffer of its own: libFuzzer keeps argv for the whole run (never freed; the process exits).
        let buffer = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: arguments.count)
        buffer.initialize(from: arguments, count: arguments.count)
        var argc = CInt(arguments.count - 1)
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, count in
            selected.run(data.map { Data(bytes: $0, count: count) } ?? Data())
            return 0
        })
    }
}

/// The target the C callback runs (a C function pointer captures nothing).
nonisolated(unsafe) private var selected: FuzzTarget = .wav

/// libFuzzer's driver: parses its flags from argv, then calls `callback` with each input.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
