import CFFTW
import Foundation

/// Single-precision FFTs through FFTW: real-to-complex forward transforms and complex inverse
/// transforms of any size.
///
/// Plans are made once per size and kind, under a process-wide lock (FFTW's planner is global
/// and not thread-safe, so two `FFT`s, say two pipelines in one process, must not plan at once),
/// then shared: executing a plan on new arrays (`fftwf_execute_dft_r2c`) from several worker
/// threads is safe. Arrays come from `fftwf_alloc_*` so they have the alignment plans assume.
/// With `rigor: .measure` plans are tuned (seconds per size) and the tuning is kept in a wisdom
/// file, so it is paid once per machine.
public final class FFT: @unchecked Sendable {
    // @unchecked: `forward`, `inverse` and FFTW's planner are only touched under `planner`;
    // plans are immutable once made and FFTW allows executing them concurrently on new arrays.
    public enum Rigor: Sendable { case estimate, measure }

    public let rigor: Rigor
    public let wisdom: URL?
    /// Guards FFTW's planner (plan, destroy, wisdom) and every instance's plan tables.
    private static let planner = NSLock()
    private var forward: [Int: OpaquePointer] = [:]
    private var inverse: [Int: OpaquePointer] = [:]

    public init(rigor: Rigor = .estimate, wisdom: URL? = nil) {
        self.rigor = rigor
        self.wisdom = wisdom
        if let wisdom, FileManager.default.fileExists(atPath: wisdom.path) {
            Self.planner.withLock { _ = fftwf_import_wisdom_from_filename(wisdom.path) }
        }
    }

    deinit {
        Self.planner.withLock {
            for plan in forward.values { fftwf_destroy_plan(plan) }
            for plan in inverse.values { fftwf_destroy_plan(plan) }
        }
    }

    /// The one-sided spectrum of `samples` (`count / 2 + 1` bins, unnormalised). FFTW reads
    /// the samples and writes the result in place, without staging copies.
    public func forward(_ samples: UnsafeBufferPointer<Float>) -> ComplexSpectrum {
        let n = samples.count
        let plan = plan(forward: n)
        let bins = n / 2 + 1
        let interleaved = [Float](unsafeUninitializedCapacity: 2 * bins) { buffer, initialized in
            buffer.withMemoryRebound(to: fftwf_complex.self) { output in
                Self.aligned(samples) { input in
                    if fftwf_alignment_of(UnsafeMutableRawPointer(output.baseAddress!).assumingMemoryBound(to: Float.self)) == 0 {
                        fftwf_execute_dft_r2c(plan, input, output.baseAddress!)
                    } else {
                        let staging = fftwf_alloc_complex(bins)!
                        defer { fftwf_free(staging) }
                        fftwf_execute_dft_r2c(plan, input, staging)
                        output.baseAddress!.update(from: staging, count: bins)
                    }
                }
            }
            initialized = 2 * bins
        }
        return ComplexSpectrum(interleaved: interleaved)
    }

    public func forward(_ samples: [Float]) -> ComplexSpectrum {
        samples.withUnsafeBufferPointer { forward($0) }
    }

    /// Short-time transforms: each `length`-sample frame (every `hop` samples, multiplied by
    /// `window`) is transformed and its `length / 2 + 1` bins handed to `body` as interleaved
    /// (re, im) pairs. One pair of buffers serves every frame.
    public func forEachFrame(
        of samples: UnsafeBufferPointer<Float>, length: Int, hop: Int, window: [Float],
        _ body: (UnsafeBufferPointer<Float>) -> Void
    ) {
        guard samples.count >= length, window.count >= length, let first = samples.baseAddress else { return }
        let plan = plan(forward: length)
        let bins = length / 2 + 1
        let input = fftwf_alloc_real(length)!
        let output = fftwf_alloc_complex(bins)!
        defer { fftwf_free(input); fftwf_free(output) }
        window.withUnsafeBufferPointer { window in
            let taper = window.baseAddress!
            var start = 0
            while start + length <= samples.count {
                let frame = first + start
                for i in 0..<length { input[i] = frame[i] * taper[i] }
                fftwf_execute_dft_r2c(plan, input, output)
                output.withMemoryRebound(to: Float.self, capacity: bins * 2) { body(UnsafeBufferPointer(start: $0, count: bins * 2)) }
                start += hop
            }
        }
    }

    /// The inverse transform of `count` complex bins, the first of which are `bins` (interleaved
    /// re, im), the rest zero (unnormalised): returns the magnitudes |z(t)|, which is all
    /// envelope analysis needs.
    public func inverseMagnitudes(of bins: UnsafeBufferPointer<Float>, count n: Int) -> [Float] {
        let plan = plan(inverse: n)
        let buffer = fftwf_alloc_complex(n)!
        defer { fftwf_free(buffer) }
        return buffer.withMemoryRebound(to: Float.self, capacity: 2 * n) { pairs in
            let filled = min(bins.count, 2 * n)
            pairs.update(from: bins.baseAddress!, count: filled)
            (pairs + filled).initialize(repeating: 0, count: 2 * n - filled)
            fftwf_execute_dft(plan, buffer, buffer)
            return [Float](unsafeUninitializedCapacity: n) { magnitudes, initialized in
                for t in 0..<n { magnitudes[t] = (pairs[2 * t] * pairs[2 * t] + pairs[2 * t + 1] * pairs[2 * t + 1]).squareRoot() }
                initialized = n
            }
        }
    }

    /// A size FFTW transforms fast (only factors 2, 3, 5), at least `n`.
    public static func fastSize(atLeast n: Int) -> Int {
        var size = max(n, 1)
        while true {
            var m = size
            for p in [2, 3, 5] { while m % p == 0 { m /= p } }
            if m == 1 { return size }
            size += 1
        }
    }

    private var flags: UInt32 { UInt32(rigor == .measure ? FFTW_MEASURE : FFTW_ESTIMATE) }

    /// New-array execution needs arrays with the SIMD alignment of the planning arrays
    /// (`fftwf_malloc`'s). Swift's array storage has it in practice; when a buffer does not,
    /// it is copied into one that does rather than risk a wrong result.
    static func aligned(_ samples: UnsafeBufferPointer<Float>, _ body: (UnsafeMutablePointer<Float>) -> Void) {
        let pointer = UnsafeMutablePointer(mutating: samples.baseAddress!)
        if fftwf_alignment_of(pointer) == 0 { return body(pointer) }
        let copy = fftwf_alloc_real(samples.count)!
        defer { fftwf_free(copy) }
        copy.update(from: pointer, count: samples.count)
        body(copy)
    }

    private func plan(forward n: Int) -> OpaquePointer {
        Self.planner.withLock {
            if let plan = forward[n] { return plan }
            // Planning with MEASURE overwrites the arrays, so plan on scratch ones.
            let input = fftwf_alloc_real(n)!
            let output = fftwf_alloc_complex(n / 2 + 1)!
            defer { fftwf_free(input); fftwf_free(output) }
            let plan = fftwf_plan_dft_r2c_1d(Int32(n), input, output, flags)!
            forward[n] = plan
            saveWisdom()
            return plan
        }
    }

    private func plan(inverse n: Int) -> OpaquePointer {
        Self.planner.withLock {
            if let plan = inverse[n] { return plan }
            let buffer = fftwf_alloc_complex(n)!
            defer { fftwf_free(buffer) }
            let plan = fftwf_plan_dft_1d(Int32(n), buffer, buffer, FFTW_BACKWARD, flags)!
            inverse[n] = plan
            saveWisdom()
            return plan
        }
    }

    private func saveWisdom() {
        guard rigor == .measure, let wisdom else { return }
        try? FileManager.default.createDirectory(at: wisdom.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = fftwf_export_wisdom_to_filename(wisdom.path)
    }
}

/// A one-sided complex spectrum: `count` bins as interleaved (re, im) pairs.
public struct ComplexSpectrum: Sendable {
    public let interleaved: [Float]

    public var count: Int { interleaved.count / 2 }

    /// |X_k|² for bin k.
    @inline(__always) public func power(_ k: Int) -> Float {
        interleaved[2 * k] * interleaved[2 * k] + interleaved[2 * k + 1] * interleaved[2 * k + 1]
    }
}
