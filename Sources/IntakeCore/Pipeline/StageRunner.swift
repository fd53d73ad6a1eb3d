import Dispatch
import Logging
import Metrics
import Synchronization

/// Runs one stage: takes items from its bounded buffer on `concurrency` worker queues, hands
/// results downstream (blocking while the next buffer is full) and failures to `fail`.
///
/// Timeouts: a watchdog marks an item that overstays its deadline as a `timeout` failure and
/// starts a replacement worker, so a hung C call costs one thread, never the pipeline. The
/// abandoned worker discards its late result and retires.
final class StageRunner: @unchecked Sendable {
    // @unchecked: mutable state lives in `state` (a Mutex); the rest is immutable after init.
    typealias Failure = @Sendable (PipelineItem, _ stage: String, _ error: any Error) -> Void

    let stage: AnyStage
    let settings: StageSettings
    let route: Modality
    let buffer: BoundedBuffer<PipelineItem>
    private let next: @Sendable (PipelineItem) -> Void
    private let fail: Failure
    private let finished: @Sendable () -> Void
    private let logger: Logger

    private let itemsIn: Counter
    private let itemsOut: Counter
    private let errors: Counter
    private let timeouts: Counter
    private let latency: Metrics.Timer
    private let depth: Gauge

    private struct Running {
        let item: PipelineItem
        let deadline: DispatchTime
        /// The item's timeout, as the stage scaled it.
        let seconds: Double
        var abandoned = false
    }

    private struct State {
        var nextWorker = 0
        var liveWorkers = 0
        var running: [Int: Running] = [:]
        var done = false
    }

    private let state = Mutex(State())
    /// Made in `start()`, before any worker exists, and only read after: a timer source must not
    /// be released without having been resumed, so a pipeline built but never run makes none.
    private var watchdog: DispatchSourceTimer?

    init(
        stage: AnyStage, settings: StageSettings, route: Modality, logger: Logger,
        next: @escaping @Sendable (PipelineItem) -> Void, fail: @escaping Failure,
        finished: @escaping @Sendable () -> Void
    ) {
        self.stage = stage
        self.settings = settings
        self.route = route
        self.buffer = BoundedBuffer(capacity: settings.buffer)
        self.next = next
        self.fail = fail
        self.finished = finished
        var logger = logger
        logger[metadataKey: "stage"] = "\(stage.name)"
        self.logger = logger
        let dimensions = [("route", route.rawValue), ("stage", stage.name)]
        itemsIn = Counter(label: PipelineMetrics.itemsIn, dimensions: dimensions)
        itemsOut = Counter(label: PipelineMetrics.itemsOut, dimensions: dimensions)
        errors = Counter(label: PipelineMetrics.errors, dimensions: dimensions + [("code", "error")])
        timeouts = Counter(label: PipelineMetrics.errors, dimensions: dimensions + [("code", "timeout")])
        latency = Metrics.Timer(label: PipelineMetrics.latency, dimensions: dimensions, preferredDisplayUnit: .seconds)
        depth = Gauge(label: PipelineMetrics.queueDepth, dimensions: dimensions)
    }

    /// Items this stage can hold at once: its buffer plus one per worker.
    var capacity: Int { settings.buffer + settings.concurrency }

    func start() {
        if let timeout = settings.timeout, timeout > 0 {
            let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "intake.\(route).\(stage.name).watchdog"))
            let interval = min(max(timeout / 10, 0.005), 0.25)
            timer.schedule(deadline: .now() + interval, repeating: interval)
            timer.setEventHandler { [weak self] in self?.abandonOverdueItems() }
            timer.resume()
            watchdog = timer
        }
        for _ in 0..<settings.concurrency { spawnWorker() }
    }

    private func spawnWorker() {
        let index = state.withLock { state in
            state.liveWorkers += 1
            defer { state.nextWorker += 1 }
            return state.nextWorker
        }
        DispatchQueue(label: "intake.\(route).\(stage.name).worker-\(index)").async {
            self.work(as: index)
        }
    }

    private func work(as worker: Int) {
        while let item = buffer.take() {
            depth.record(buffer.depth)
            itemsIn.increment()
            // No positive timeout, no deadline: as the watchdog reads it, so no stage stops early.
            let seconds = settings.timeout.flatMap { $0 > 0 ? stage.timeout(for: item.payload, configured: $0) : nil }
            let deadline = seconds.map { DispatchTime.now() + $0 } ?? .distantFuture
            state.withLock { $0.running[worker] = Running(item: item, deadline: deadline, seconds: seconds ?? 0) }
            let context = StageContext(
                stage: stage.name, worker: worker, orderID: item.orderID, input: item.input,
                deadline: deadline, logger: logger)
            let started = DispatchTime.now().uptimeNanoseconds
            let result = Result { try stage.process(item.payload, context: context) }
            latency.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
            let abandoned = state.withLock { $0.running.removeValue(forKey: worker)?.abandoned ?? false }
            if abandoned {
                logger.warning("late result discarded after timeout; worker retired", metadata: ["order": "\(item.orderID)"])
                return
            }
            switch result {
            case .success(let output):
                itemsOut.increment()
                next(item.with(payload: output))
            case .failure(let error):
                errors.increment()
                fail(item, stage.name, error)
            }
        }
        workerExited()
    }

    private func workerExited() {
        let last = state.withLock { state in
            state.liveWorkers -= 1
            guard state.liveWorkers == 0, !state.done else { return false }
            state.done = true
            return true
        }
        if last {
            watchdog?.cancel()
            finished()
        }
    }

    private func abandonOverdueItems() {
        let now = DispatchTime.now()
        let overdue: [Running] = state.withLock { state in
            var overdue: [Running] = []
            for (worker, running) in state.running where !running.abandoned && now >= running.deadline {
                state.running[worker]?.abandoned = true
                state.liveWorkers -= 1
                overdue.append(running)
            }
            return overdue
        }
        for running in overdue {
            timeouts.increment()
            let (item, seconds) = (running.item, running.seconds)
            fail(item, stage.name, InputFailure(
                code: "timeout",
                message: "stage \(stage.name) gave up after \(seconds) s; raise its `timeout` in the pipeline file if such inputs are expected"))
            spawnWorker()
        }
    }
}

/// An item between two stages: the input it came from, its order id and the latest stage output.
struct PipelineItem: Sendable {
    let input: ReceivedInput
    let orderID: String
    let payload: any Sendable

    func with(payload: any Sendable) -> PipelineItem {
        PipelineItem(input: input, orderID: orderID, payload: payload)
    }
}
