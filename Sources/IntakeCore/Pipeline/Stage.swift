import Dispatch
import Logging

/// One step of a pipeline: a typed input in, a typed output out, or a thrown error.
///
/// A stage runs on `concurrency` worker threads of its own (see `StageSettings`). `process` may
/// block (C libraries do); `context.worker` says which worker is calling, so a stage that owns a
/// C handle keeps one per worker in a `WorkerLocal` and never shares it across threads.
/// Errors should conform to `IntakeError` so dead letters carry a stable code.
public protocol Stage: Sendable {
    associatedtype Input: Sendable
    associatedtype Output: Sendable
    func process(_ input: Input, context: StageContext) throws -> Output
    /// Seconds `input` may spend in `process` when the pipeline allows this stage `configured`.
    /// A stage whose work grows with its input (minutes of audio) scales it; by default it is kept.
    func timeout(for input: Input, configured: Double) -> Double
}

extension Stage {
    public func timeout(for input: Input, configured: Double) -> Double { configured }
}

/// What a stage knows about the item it is working on.
public struct StageContext: Sendable {
    /// The stage's name in the pipeline (its `uses:` key).
    public let stage: String
    /// The worker thread running this call; stable for the life of the worker.
    public let worker: Int
    /// The id the order for this input will have (stable for the same bytes and pipeline).
    public let orderID: String
    /// The input the item came from, with its original bytes.
    public let input: ReceivedInput
    /// After this instant the pipeline gives up on the item; long work may check it and stop early.
    public let deadline: DispatchTime
    public let logger: Logger

    public init(
        stage: String, worker: Int, orderID: String, input: ReceivedInput, deadline: DispatchTime, logger: Logger
    ) {
        self.stage = stage
        self.worker = worker
        self.orderID = orderID
        self.input = input
        self.deadline = deadline
        self.logger = logger
    }

    public var isPastDeadline: Bool { DispatchTime.now() >= deadline }
}

/// How a stage runs: worker count, input buffer capacity and per-item timeout.
public struct StageSettings: Sendable, Equatable {
    public var concurrency: Int
    /// Items that may wait in front of the stage; a full buffer blocks the producer (back-pressure).
    public var buffer: Int
    /// Seconds an item may spend in `process` before it becomes a `timeout` dead letter (as the
    /// stage scales it, `Stage.timeout(for:configured:)`); nil: no limit.
    public var timeout: Double?

    public init(concurrency: Int = 1, buffer: Int = 16, timeout: Double? = 60) {
        self.concurrency = max(1, concurrency)
        self.buffer = max(1, buffer)
        self.timeout = timeout
    }
}
