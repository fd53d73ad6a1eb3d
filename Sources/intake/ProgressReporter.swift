import Foundation
import IntakeCore
import Synchronization

/// Draws a one-line progress bar on stderr while a batch runs (only when stderr is a
/// terminal) and a summary line at the end (also into a log file: a cron job's log should say
/// what the run did).
final class ProgressReporter: Sendable {
    private let total: Int
    private let drawsBar: Bool
    private let summarizes: Bool
    private let started = Date()
    private struct State {
        var done = 0
        var failed = 0
        var lastDraw = Date.distantPast
    }
    private let state = Mutex(State())

    /// `quiet` silences both; the bar is drawn only on a terminal.
    init(total: Int, quiet: Bool) {
        self.total = total
        drawsBar = !quiet && Self.stderrIsTerminal
        summarizes = !quiet
    }

    private static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    func recorded(_ record: OrderRecord) {
        let line: String? = state.withLock { state in
            state.done += 1
            if record.status == .failed { state.failed += 1 }
            let now = Date()
            guard drawsBar, now.timeIntervalSince(state.lastDraw) > 0.1 || state.done == total else { return nil }
            state.lastDraw = now
            return bar(done: state.done, failed: state.failed, now: now)
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }

    private func bar(done: Int, failed: Int, now: Date) -> String {
        let width = 30
        // A scanned stack makes several orders from one input, so records may outrun inputs.
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let filled = Int(fraction * Double(width))
        let rate = Double(done) / max(now.timeIntervalSince(started), 0.001)
        return "\r[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
            + "] \(done)/\(total)  \(String(format: "%.0f", rate))/s  \(failed) failed "
    }

    /// `created` and `existing` count what the store took (new orders, and orders a re-run found
    /// stored); `summary.written` counts records written out, fewer when writing them failed.
    func finish(_ summary: PipelineSummary, created: Int, existing: Int) {
        guard summarizes else { return }
        var text = drawsBar ? "\n" : ""  // end the bar's line
        let statuses = summary.statusList
        text += "intake: \(summary.written) records (\(statuses.isEmpty ? "none" : statuses)) in \(String(format: "%.2f", summary.seconds)) s"
        text += "; \(created) new, \(existing) already stored"
        if summary.unwritten > 0 { text += "; \(summary.unwritten) records not written" }
        if summary.stopped { text += "; stopped, \(summary.notStarted.count) inputs not started" }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
