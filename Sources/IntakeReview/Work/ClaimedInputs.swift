import Dispatch
import Foundation
import IntakeCore
import Logging
import Synchronization

/// The inputs one worker processes: an endless sequence that claims a few items at a time
/// from the work queue as the pipeline pulls (so back-pressure limits what a worker holds),
/// renews its leases while it runs, and hands back what it never started when it stops.
///
/// An item claimed `maxAttempts` times without finishing has stopped that many workers (a
/// crash, a hang, a kill): it is not handed out again but retired to the dead letters with its
/// bytes and a `failed` order, so one poisonous input cannot take the fleet down in turn.
///
/// ```swift
/// let inputs = ClaimedInputs(queue: work, worker: "host-1:4711", deadLetters: reviewQueue, untilEmpty: true)
/// pipeline.onStop { inputs.stop() }
/// let summary = pipeline.run(inputs)
/// try inputs.finish()
/// ```
public final class ClaimedInputs: Sequence, IteratorProtocol, @unchecked Sendable {
    // @unchecked: mutable state is in `state` (a Mutex); `renewal` is set in init and only cancelled after.
    public let queue: WorkQueue
    public let worker: String
    private let deadLetters: ReviewQueue
    private let maxAttempts: Int
    private let batch: Int
    private let poll: Double
    private let untilEmpty: Bool
    private let logger: Logger
    private let renewal: any DispatchSourceTimer

    private struct State {
        var buffered: [WorkQueue.Item] = []
        /// Items claimed and not yet seen done: the only leases this worker renews.
        var held: Set<String> = []
        var stopped = false
        var claimed = 0
        var retired = 0
        var error: (any Error)?
    }
    private let state = Mutex(State())

    /// - Parameters:
    ///   - deadLetters: where items that exhausted their attempts are retired.
    ///   - maxAttempts: claims an item gets before it is retired instead of processed.
    ///   - batch: items claimed at once (few: an item waiting in this worker is one another worker can't take).
    ///   - poll: seconds between claims while the queue is empty.
    ///   - untilEmpty: end when nothing is left for this worker (else wait for more until stopped).
    public init(queue: WorkQueue, worker: String, deadLetters: ReviewQueue, maxAttempts: Int = 5, batch: Int = 2, poll: Double = 0.5, untilEmpty: Bool = false,
                logger: Logger = Logger(label: "intake.worker")) {
        self.queue = queue
        self.worker = worker
        self.deadLetters = deadLetters
        self.maxAttempts = Swift.max(1, maxAttempts)
        self.batch = Swift.max(1, batch)
        self.poll = poll
        self.untilEmpty = untilEmpty
        self.logger = logger
        renewal = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "intake.worker.leases"))
        let interval = Swift.max(queue.lease / 3, 0.2)
        renewal.schedule(deadline: .now() + interval, repeating: interval)
        renewal.setEventHandler { [weak self] in self?.renewLeases() }
        renewal.resume()
    }

    /// Renews the leases of the items this worker holds, and forgets those finished or taken over.
    private func renewLeases() {
        let ids = state.withLock { $0.held }
        guard !ids.isEmpty else { return }
        do {
            let stillHeld = try queue.renew(worker: worker, ids: ids)
            state.withLock { $0.held.subtract(ids.subtracting(stillHeld)) }
        } catch {
            logger.warning("could not renew leases; another worker may take these items over", metadata: ["error": "\(error.intakeMessage)"])
        }
    }

    deinit {
        renewal.cancel()
    }

    /// Items claimed so far.
    public var claimed: Int { state.withLock { $0.claimed } }

    /// Items retired to the dead letters after `maxAttempts` claims.
    public var retired: Int { state.withLock { $0.retired } }

    /// The store error that ended the sequence, if one did.
    public var error: (any Error)? { state.withLock { $0.error } }

    /// Ends the sequence at the next pull. Safe from any thread.
    public func stop() {
        state.withLock { $0.stopped = true }
    }

    public func next() -> PipelineInput? {
        while true {
            let (item, stopped) = state.withLock { state -> (WorkQueue.Item?, Bool) in
                if state.stopped { return (nil, true) }
                return (state.buffered.isEmpty ? nil : state.buffered.removeFirst(), false)
            }
            if stopped { return nil }
            if let item {
                if item.attempts > maxAttempts {
                    if retire(item) { continue } else { return nil }
                }
                if item.attempts > 1 {
                    logger.notice("taking over an item whose earlier claim lapsed", metadata: [
                        "order": "\(item.id)", "uri": "\(item.uri)", "attempt": "\(item.attempts)"])
                }
                return item.input
            }
            do {
                let items = try queue.claim(worker: worker, limit: batch)
                if !items.isEmpty {
                    state.withLock { state in
                        state.buffered += items
                        state.held.formUnion(items.map(\.id))
                        state.claimed += items.count
                    }
                    continue
                }
                if untilEmpty, try queue.unfinished(excluding: state.withLock({ $0.held })) == 0 { return nil }
            } catch {
                logger.error("cannot claim work; stopping this worker", metadata: ["error": "\(error.intakeMessage)"])
                state.withLock { state in
                    state.error = error
                    state.stopped = true
                }
                return nil
            }
            Thread.sleep(forTimeInterval: poll)
        }
    }

    /// Retires an item that stopped `maxAttempts` workers; false when the store failed (the sequence has ended).
    private func retire(_ item: WorkQueue.Item) -> Bool {
        let failure = InputFailure(
            code: "poison_input",
            message: "\(maxAttempts) workers claimed this input and none finished it (each crashed, hung or was killed); "
                + "kept here instead of being retried automatically: inspect it, then `intake deadletters retry`")
        do {
            try deadLetters.retire(item, pipeline: queue.pipeline, stage: "worker", failure: failure)
        } catch {
            logger.error("cannot retire a poisonous input; stopping this worker", metadata: ["order": "\(item.id)", "error": "\(error.intakeMessage)"])
            state.withLock { state in
                state.error = error
                state.stopped = true
            }
            return false
        }
        state.withLock { $0.retired += 1 }
        logger.error("retired an input that stopped every worker that took it", metadata: [
            "order": "\(item.id)", "uri": "\(item.uri)", "attempts": "\(item.attempts - 1)"])
        return true
    }

    /// Stops renewing and hands back the items claimed but never started.
    public func finish() throws {
        renewal.cancel()
        let unstarted = state.withLock { state in
            defer { state.buffered = [] }
            return state.buffered.map(\.id)
        }
        try queue.release(unstarted, worker: worker)
    }
}
