import Foundation
import IntakeCore
import Logging
import ServiceLifecycle
import Synchronization

/// Runs the pipeline for the life of the server, on its own thread, reading `feed`.
///
/// On graceful shutdown it stops admitting inputs and lets those in flight finish; inputs still
/// queued stay on disk (spool or watch folder) and are taken up on the next start. Cancellation
/// (another service failed: the port was taken, say) stops it the same way: the pipeline thread
/// waits on the feed, so without a stop the server would never exit.
final class PipelineService: Service {
    let pipeline: Pipeline
    let feed: InputFeed
    private let logger: Logger
    private let running = Atomic<Bool>(false)

    init(pipeline: Pipeline, feed: InputFeed, logger: Logger) {
        self.pipeline = pipeline
        self.feed = feed
        self.logger = logger
        pipeline.onStop { [feed] in feed.close() }
    }

    /// True while the pipeline is taking inputs (for `/readyz`).
    var isRunning: Bool { running.load(ordering: .relaxed) }

    func run() async throws {
        try await withTaskCancellationHandler {
            try await runUntilShutdown()
        } onCancel: { [pipeline] in
            pipeline.stop()
        }
    }

    private func runUntilShutdown() async throws {
        try await withGracefulShutdownHandler {
            let summary: PipelineSummary = await withCheckedContinuation { continuation in
                let thread = Thread { [self] in
                    running.store(true, ordering: .relaxed)
                    let summary = pipeline.run(feed)
                    running.store(false, ordering: .relaxed)
                    continuation.resume(returning: summary)
                }
                thread.name = "intake.pipeline"
                thread.start()
            }
            logger.notice("pipeline stopped", metadata: [
                "admitted": "\(summary.admitted)", "left_queued": "\(summary.notStarted.count)",
            ])
            if let error = summary.sinkError {
                throw ServerError(reason: "could not store orders: \(error)")
            }
        } onGracefulShutdown: { [pipeline] in
            pipeline.stop()
        }
    }
}
