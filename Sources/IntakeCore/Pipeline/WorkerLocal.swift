import Foundation

/// One value per stage worker, made on first use by that worker: how a stage owns a C handle
/// (decoder, OCR engine) per thread without sharing it.
///
/// ```swift
/// struct RecognizeStage: Stage {
///     let decoders = WorkerLocal { try SpeechDecoder(configuration) }
///     func process(_ audio: Audio, context: StageContext) throws -> Transcript {
///         try decoders.value(for: context.worker).decode(audio)
///     }
/// }
/// ```
public final class WorkerLocal<Value>: @unchecked Sendable {
    // @unchecked: the slot table is guarded by `lock`; each Value is made and then used only by
    // the one worker whose index keys it (a worker never migrates threads), so values need not
    // be Sendable.
    private let lock = NSLock()
    private var slots: [Int: Box] = [:]
    private let make: () throws -> Value

    private final class Box { var value: Value; init(_ value: Value) { self.value = value } }

    public init(_ make: @escaping () throws -> Value) {
        self.make = make
    }

    /// The value of `worker`, made on the worker's first call.
    public func value(for worker: Int) throws -> Value {
        if let box = lock.withLock({ slots[worker] }) { return box.value }
        let box = Box(try make())
        lock.withLock { slots[worker] = box }
        return box.value
    }

    /// Forgets the value of a worker that has been retired (e.g. abandoned after a timeout).
    public func discard(worker: Int) {
        _ = lock.withLock { slots.removeValue(forKey: worker) }
    }
}
