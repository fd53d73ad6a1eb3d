import CFFTW
import Foundation

/// Single-precision FFTs through FFTW: real-to-complex forward transforms and complex inverse
/// transforms of any size.
///
/// Plans are made once per size and kind, under a lock (FFTW's planner is not thread-safe),
/// then shared: executing a plan on new arrays (`fftwf_execute_dft_r2c`) from several worker
/// threads is safe. Arrays come from `fftwf_alloc_*` so they have the alignment plans assume.
/// With `rigor: .measure` plans are tuned (seconds per size) and the tuning is kept in a wisdom
/// file, so it is paid once per machine.
public final class FFT: @unchecked Sendable {
    // @unchecked: `forward`, `inverse` and FFTW's planner are only touched under `lock`;
    // plans are immutable once made and FFTW allows executing them concurrently on new arrays.
    public enum Rigor: Sendable { case estimate, measure }

    public let rigor: Rigor
    public let wisdom: URL?
    private let lock = NSLock()
    private var forward: [Int: OpaquePointer] = [:]
    private var inverse: [Int: OpaquePointer] = [:]

    public init(rigor: Rigor = .estimate, wisdom: URL? = nil) {
        self.rigor = rigor
        self.wisdom = wisdom
        if let wisdom, FileManager.default.fileExists(atPath: wisdom.path) {
            lock.withLock { _ = fftwf_import_wisdom_from_filename(wisdom.path) }
        }
    }

    deinit {
        for plan in forward.values { fftwf_destroy_plan(plan) }
        for plan in inverse.values { fftwf_destroy_plan(plan) }
    }

    /// The one-sided spectrum of `samples` (`count / 2 + 1` bins, unnormalised).
    public func forward(_ samples: UnsafeBufferPointer<Float>) -> ComplexSpectrum {
        let n = samples.count
        let plan = plan(forward: n)
        let input = fftwf_alloc_real(n)!
        defer { fftwf_free(input) }
        input.update(from: samples.baseAddress!, count: n)
        let bins = n / 2 + 1
        let output = fftwf_alloc_complex(bins)!
        defer { fftwf_free(output) }
        fftwf_execute_dft_r2c(plan, input, output)
        var spectrum = ComplexSpectrum(real: [Float](repeating: 0, count: bins), imaginary: [Float](repeating: 0, count: bins))
        output.withMemoryRebound(to: Float.self, capacity: bins * 2) { pairs in
            for k in 0..<bins {
                spectrum.real[k] = pairs[2 * k]
                spectrum.imaginary[k] = pairs[2 * k + 1]
            }
        }
        return spectrum
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
        guard samples.count >= length else { return }
        let plan = plan(forward: length)
        let bins = length / 2 + 1
        let input = fftwf_alloc_real(length)!
        let output = fftwf_alloc_complex(bins)!
        defer { fftwf_free(input); fftwf_free(output) }
        var start = 0
        while start + length <= samples.count {
            for i in 0..<length { input[i] = samples[start + i] * window[i] }
            fftwf_execute_dft_r2c(plan, input, output)
            output.withMemoryRebound(to: Float.self, capacity: bins * 2) { body(UnsafeBufferPointer(start: $0, count: bins * 2)) }
            start += hop
        }
    }

    /// The inverse transform of `count` complex bins (unnormalised): returns the magnitudes
    /// |z(t)|, which is all envelope analysis needs.
    public func inverseMagnitudes(real: UnsafeBufferPointer<Float>, imaginary: UnsafeBufferPointer<Float>, count n: Int) -> [Float] {
        let plan = plan(inverse: n)
        let buffer = fftwf_alloc_complex(n)!
        defer { fftwf_free(buffer) }
        buffer.withMemoryRebound(to: Float.self, capacity: n * 2) { pairs in
            pairs.initialize(repeating: 0, count: n * 2)
            for k in 0..<min(n, real.count) {
                pairs[2 * k] = real[k]
                pairs[2 * k + 1] = imaginary[k]
            }
        }
        fftwf_execute_dft(plan, buffer, buffer)
        return buffer.withMemoryRebound(to: Float.self, capacity: n * 2) { pairs in
            (0..<n).map { (pairs[2 * $0] * pairs[2 * $0] + pairs[2 * $0 + 1] * pairs[2 * $0 + 1]).squareRoot() }
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

    private func plan(forward n: Int) -> OpaquePointer {
        lock.withLock {
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
        lock.withLock {
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

/// A one-sided complex spectrum, split into real and imaginary parts.
public struct ComplexSpectrum: Sendable {
    public var real: [Float]
    public var imaginary: [Float]

    public var count: Int { real.count }

    /// |X_k| for every bin.
    public var magnitudes: [Float] {
        (0..<count).map { (real[$0] * real[$0] + imaginary[$0] * imaginary[$0]).squareRoot() }
    }
}
