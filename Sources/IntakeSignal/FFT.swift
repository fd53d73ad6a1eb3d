import CFFTW
import Foundation
import IntakeCore

/// Single-precision FFTs through FFTW: real-to-complex forward transforms, short-time frames,
/// and complex and complex-to-real inverse transforms of any size. Shared by the modalities
/// that analyse signals (vibration spectra, speech noise suppression).
///
/// Plans are made once per size and kind, under a process-wide lock (FFTW's planner is global
/// and not thread-safe, so two `FFT`s, say two pipelines in one process, must not plan at once),
/// then shared: executing a plan on new arrays (`fftwf_execute_dft_r2c`) from several worker
/// threads is safe. Arrays come from `fftwf_alloc_*` so they have the alignment plans assume.
/// With `rigor: .measure` plans are tuned (seconds per size) and the tuning is kept in a wisdom
/// file, so it is paid once per machine; `.background` has them tuned by another process.
public final class FFT: @unchecked Sendable {
    // @unchecked: the plan tables are only touched under `tables`, FFTW's planner only under
    // `planner`; plans are immutable once made and FFTW allows executing them concurrently on
    // new arrays.
    public enum Rigor: String, Sendable, CaseIterable {
        /// Plans from FFTW's estimate: made at once, slower to run (a 15 s alert's 384,000-point
        /// transform: 1.23 ms against 0.78 ms tuned, on the machine this was written on).
        case estimate
        /// Tuned plans (`FFTW_MEASURE`): the first transform of a size waits while FFTW times
        /// its candidates, up to 11 s for 384,000 points, then the tuning is kept in `wisdom`.
        case measure
        /// Tuned plans without the wait, for servers: a size the wisdom file does not know is
        /// transformed with an estimated plan at once, and FFTW's own `fftwf-wisdom` (Debian's
        /// libfftw3-bin, a dependency of libfftw3-dev) tunes it in a child process. Its result
        /// takes over from the next transform on and is kept in `wisdom`. Tuning in this process
        /// would hold FFTW's planner, which is global, for the whole measurement, and any alert
        /// needing a plan of another size would wait that long. Batched short-time plans stay
        /// estimated (the tool has no batches; they are 32 points). Without the tool, every plan
        /// stays estimated.
        ///
        /// The child tunes harder than `.measure` (`FFTW_PATIENT`: 0.67 ms for 384,000 points
        /// against 0.79 ms, but 5 minutes of one core instead of 11 s) at the lowest CPU
        /// priority, so it only takes time the server leaves idle.
        case background
    }

    public let rigor: Rigor
    public let wisdom: URL?
    /// Guards FFTW's planner (plan, destroy, wisdom) across every instance. Taken before `tables`.
    private static let planner = NSLock()
    /// Runs `.background` tunings one at a time, away from the threads that transform.
    private static let tuner = DispatchQueue(label: "intake.fft.tuner", qos: .utility)
    /// FFTW's tuning tool, if installed.
    static let wisdomTool: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("fftwf-wisdom") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()
    /// Planner flags for `.background`'s tuned plans: patient ones, from wisdom only. Wisdom
    /// measured less hard (by `.measure`) does not count, so the tool tunes that size again.
    private static let patientFromWisdom = UInt32(FFTW_PATIENT) | UInt32(FFTW_WISDOM_ONLY)
    /// Guards this instance's plan tables: held only to look up or swap a plan, never while
    /// planning, so a background tuning of one size does not stall transforms of the others.
    private let tables = NSLock()
    private var forward: [Int: OpaquePointer] = [:]
    private var inverse: [Int: OpaquePointer] = [:]
    private var realInverse: [Int: OpaquePointer] = [:]
    /// Batched forward plans, by frame length and frames per batch.
    private var batched: [SIMD2<Int>: OpaquePointer] = [:]
    /// Estimated plans replaced by tuned ones: another thread may still be executing one, so
    /// they are destroyed with the instance.
    private var retired: [OpaquePointer] = []
    /// Plans of `.background` that are tuned, from the wisdom or by the tool.
    private var tunedCount = 0

    /// How many of this instance's plans `.background` has tuned so far.
    var tunedPlans: Int { tables.withLock { tunedCount } }

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
            for plan in realInverse.values { fftwf_destroy_plan(plan) }
            for plan in batched.values { fftwf_destroy_plan(plan) }
            for plan in retired { fftwf_destroy_plan(plan) }
        }
    }

    /// Waits until every background tuning asked for so far has finished (tests, benchmarks).
    public func waitUntilTuned() {
        Self.tuner.sync {}
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
    /// (re, im) pairs, frames in order.
    ///
    /// Frames are transformed `framesPerBatch` at a time by one batched plan: spectral kurtosis
    /// takes thousands of 32-point frames per alert, and one call per frame cost more than the
    /// transforms. One set of buffers serves every batch.
    public func forEachFrame(
        of samples: UnsafeBufferPointer<Float>, length: Int, hop: Int, window: [Float],
        _ body: (UnsafeBufferPointer<Float>) -> Void
    ) {
        guard samples.count >= length, window.count >= length, let first = samples.baseAddress else { return }
        let frames = (samples.count - length) / hop + 1
        let batch = min(Self.framesPerBatch, frames)
        let plan = plan(forward: length, batch: batch)
        let single = self.plan(forward: length)
        let bins = length / 2 + 1
        let input = fftwf_alloc_real(length * batch)!
        let output = fftwf_alloc_complex(bins * batch)!
        defer { fftwf_free(input); fftwf_free(output) }
        window.withUnsafeBufferPointer { window in
            // Windows frame `index` into `target`.
            func taper(_ index: Int, into target: UnsafeMutablePointer<Float>) {
                let source = first + index * hop
                for i in 0..<length { target[i] = source[i] * window[i] }
            }
            var frame = 0
            while frame + batch <= frames {
                for j in 0..<batch { taper(frame + j, into: input + j * length) }
                fftwf_execute_dft_r2c(plan, input, output)
                output.withMemoryRebound(to: Float.self, capacity: bins * 2 * batch) { pairs in
                    for j in 0..<batch { body(UnsafeBufferPointer(start: pairs + j * 2 * bins, count: bins * 2)) }
                }
                frame += batch
            }
            // The last few frames one at a time, at the start of the buffers (where the
            // single-frame plan's alignment holds).
            while frame < frames {
                taper(frame, into: input)
                fftwf_execute_dft_r2c(single, input, output)
                output.withMemoryRebound(to: Float.self, capacity: bins * 2) { body(UnsafeBufferPointer(start: $0, count: bins * 2)) }
                frame += 1
            }
        }
    }

    /// Frames per batched short-time transform: enough to amortise the call, few enough that
    /// the batch stays in cache.
    static let framesPerBatch = 64

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

    /// The `count` real samples whose one-sided spectrum is `bins` (`count / 2 + 1` interleaved
    /// re, im pairs), unnormalised (`count` × the signal), written to `output`. FFTW's
    /// complex-to-real transform overwrites its input, so `bins` is copied into scratch first.
    public func inverse(_ bins: UnsafeBufferPointer<Float>, count n: Int, into output: UnsafeMutableBufferPointer<Float>) {
        precondition(bins.count == 2 * (n / 2 + 1) && output.count == n, "a real inverse of \(n) samples takes \(n / 2 + 1) bins")
        let plan = plan(realInverse: n)
        let spectrum = fftwf_alloc_complex(n / 2 + 1)!
        let signal = fftwf_alloc_real(n)!
        defer { fftwf_free(spectrum); fftwf_free(signal) }
        spectrum.withMemoryRebound(to: Float.self, capacity: bins.count) { $0.update(from: bins.baseAddress!, count: bins.count) }
        fftwf_execute_dft_c2r(plan, spectrum, signal)
        output.baseAddress!.update(from: signal, count: n)
    }

    /// A size FFTW transforms fast, at least `n`, from a short ladder: 2^k × 1, 5/4, 3/2 or
    /// 15/8 (at most 25% above `n`). Envelope sizes follow the measured running speed, so any
    /// 5-smooth size would make nearly every alert a new size: a new plan to keep (forever, in a
    /// server) and, with measured planning, seconds of tuning. The ladder keeps a few.
    public static func fastSize(atLeast n: Int) -> Int {
        var power = 1
        while true {
            for eighths in [8, 10, 12, 15] where power * eighths % 8 == 0 && power * eighths / 8 >= n {
                return power * eighths / 8
            }
            power *= 2
        }
    }

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

    // Planning with MEASURE overwrites the arrays, so every plan is made on scratch ones.

    private func plan(forward n: Int) -> OpaquePointer {
        plan(\.forward, n, problem: "rof\(n)") { flags in
            let input = fftwf_alloc_real(n)!
            let output = fftwf_alloc_complex(n / 2 + 1)!
            defer { fftwf_free(input); fftwf_free(output) }
            return fftwf_plan_dft_r2c_1d(Int32(n), input, output, flags)
        }
    }

    /// `batch` transforms of `n` samples each, the frames back to back in input and output.
    private func plan(forward n: Int, batch: Int) -> OpaquePointer {
        if batch == 1 { return plan(forward: n) }
        return plan(\.batched, SIMD2(n, batch), problem: nil) { flags in
            let bins = n / 2 + 1
            let input = fftwf_alloc_real(n * batch)!
            let output = fftwf_alloc_complex(bins * batch)!
            defer { fftwf_free(input); fftwf_free(output) }
            var size = Int32(n)
            return fftwf_plan_many_dft_r2c(1, &size, Int32(batch), input, nil, 1, Int32(n), output, nil, 1, Int32(bins), flags)
        }
    }

    private func plan(inverse n: Int) -> OpaquePointer {
        plan(\.inverse, n, problem: "cib\(n)") { flags in
            let buffer = fftwf_alloc_complex(n)!
            defer { fftwf_free(buffer) }
            return fftwf_plan_dft_1d(Int32(n), buffer, buffer, FFTW_BACKWARD, flags)
        }
    }

    private func plan(realInverse n: Int) -> OpaquePointer {
        plan(\.realInverse, n, problem: "rob\(n)") { flags in
            let spectrum = fftwf_alloc_complex(n / 2 + 1)!
            let signal = fftwf_alloc_real(n)!
            defer { fftwf_free(spectrum); fftwf_free(signal) }
            return fftwf_plan_dft_c2r_1d(Int32(n), spectrum, signal, flags)
        }
    }

    /// The plan kept in `table` under `key`, made by `make` (given FFTW planner flags) the first
    /// time under the planner lock; new tuned plans are added to the wisdom file. With
    /// `.background`, a plan the wisdom does not hold is estimated now and `problem` (the
    /// transform in `fftwf-wisdom`'s notation; nil: not tunable there) is tuned later.
    private func plan<Key: Hashable & Sendable>(
        _ table: ReferenceWritableKeyPath<FFT, [Key: OpaquePointer]> & Sendable, _ key: Key, problem: String?,
        make: @escaping @Sendable (UInt32) -> OpaquePointer?
    ) -> OpaquePointer {
        if let plan = tables.withLock({ self[keyPath: table][key] }) { return plan }
        return Self.planner.withLock {
            // Another thread may have made it while this one waited for the planner.
            if let plan = tables.withLock({ self[keyPath: table][key] }) { return plan }
            let plan: OpaquePointer
            switch rigor {
            case .estimate:
                plan = make(UInt32(FFTW_ESTIMATE))!
            case .measure:
                plan = make(UInt32(FFTW_MEASURE))!
                saveWisdom()
            case .background:
                if let known = make(Self.patientFromWisdom) {
                    plan = known
                    tables.withLock { tunedCount += 1 }
                } else {
                    plan = make(UInt32(FFTW_ESTIMATE))!
                    if let problem, let tool = Self.wisdomTool {
                        Self.tuner.async { [weak self] in self?.tune(problem, with: tool, table, key, make: make) }
                    }
                }
            }
            tables.withLock { self[keyPath: table][key] = plan }
            return plan
        }
    }

    /// Has `tool` measure `problem` in a child process, then imports its wisdom and puts the
    /// tuned plan in place of the estimated one. A failed tuning leaves the estimated plan. The
    /// wisdom comes back on the child's standard output, so when this process stops first no
    /// file is left behind.
    private func tune<Key: Hashable & Sendable>(
        _ problem: String, with tool: URL,
        _ table: ReferenceWritableKeyPath<FFT, [Key: OpaquePointer]> & Sendable, _ key: Key,
        make: (UInt32) -> OpaquePointer?
    ) {
        // setpriv: the child is killed when the thread waiting for it ends, so a server that
        // stops leaves no tuning behind (the tool ignores SIGTERM); nice 19: only the CPU the
        // server leaves idle; -n: no system wisdom; the tool's default rigor is FFTW_PATIENT.
        let command = ["--pdeathsig", "KILL", "/usr/bin/nice", "-n", "19", tool.path, "-n", problem]
        guard let result = try? ExternalCommand.run("/usr/bin/setpriv", command), result.status == 0 else { return }
        Self.planner.withLock {
            guard String(decoding: result.output, as: UTF8.self).withCString({ fftwf_import_wisdom_from_string($0) }) != 0,
                  let tuned = make(Self.patientFromWisdom)
            else { return }
            tables.withLock {
                if let estimated = self[keyPath: table][key] { retired.append(estimated) }
                self[keyPath: table][key] = tuned
                tunedCount += 1
            }
            saveWisdom()
        }
    }

    private func saveWisdom() {
        guard rigor != .estimate, let wisdom else { return }
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
