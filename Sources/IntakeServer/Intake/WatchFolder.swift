import Foundation
import IntakeCore
import Logging
import ServiceLifecycle
import Synchronization

/// A folder that scanners and sync clients drop files into: each new file is processed once,
/// then moved to `done/`, or to `failed/` beside a `<name>.reason.txt` saying why.
///
/// A file is taken when its size and modification time held still for one poll (so a file
/// being copied is not read half-written); a waveform beside a sidecar JSON of its name goes in
/// with the sidecar and moves with it; names starting with `.` or ending in `.part`, `.tmp`
/// or `.crdownload` are left alone. After a restart, files still in the folder are submitted
/// again: their order id comes from their bytes, so a finished one is only moved, never
/// processed twice.
final class WatchFolder: Service {
    let folder: URL
    private let interval: Double
    private let pipelineName: String
    private let feed: InputFeed
    private let completions: Completions
    private let logger: Logger
    private let done: URL
    private let failed: URL
    private let state = Mutex(State())

    private struct State {
        /// Size and modification time seen at the last poll, for files not yet taken.
        var seen: [String: Stamp] = [:]
        /// Files submitted and not yet moved.
        var inFlight: Set<String> = []
    }

    private struct Stamp: Equatable {
        var size: Int
        var modified: Date
    }

    init(folder: URL, interval: Double, pipelineName: String, feed: InputFeed, completions: Completions, logger: Logger) throws {
        self.folder = folder
        self.interval = interval
        self.pipelineName = pipelineName
        self.feed = feed
        self.completions = completions
        self.logger = logger
        done = folder.appendingPathComponent("done")
        failed = folder.appendingPathComponent("failed")
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw ServerError(reason: "the watch folder \(folder.path) is a file, not a folder; name the folder files are dropped into (--watch, server.watch)")
        }
        // A folder not there yet is made, as the data folder is: the scanner may not have written to it yet.
        for sub in [done, failed] { try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true) }
    }

    func run() async throws {
        logger.notice("watching \(folder.path)")
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            poll()
            try? await Task.sleep(for: .seconds(interval))
        }
    }

    /// One look at the folder: submits every file that held still since the last look. A file
    /// beside a JSON file of its name (`a.csv` and `a.json`) is that sidecar's waveform: it goes
    /// in with the sidecar, counts in its identity, and moves with it.
    func poll() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var stamps: [String: Stamp] = [:]  // by path
        for name in names where Self.isCandidate(name) {
            let path = folder.path + "/" + name
            guard let file = FileStatus(path: path), file.isRegularFile else { continue }
            stamps[path] = Stamp(size: file.size, modified: file.modified)
        }
        let companions = InputCollector.sidecarCompanions(among: stamps.keys)
        let taken = Set(companions.values.joined())
        var ready: [(URL, [URL])] = []
        state.withLock { state in
            var present: [String: Stamp] = [:]
            for (path, stamp) in stamps where !state.inFlight.contains(path) && !taken.contains(path) {
                let url = URL(fileURLWithPath: path)
                let beside = companions[path] ?? []
                // A sidecar holds still only when its waveform does too.
                let combined = beside.reduce(stamp) { sum, companion in
                    Stamp(size: sum.size + (stamps[companion]?.size ?? 0), modified: max(sum.modified, stamps[companion]?.modified ?? .distantPast))
                }
                if state.seen[url.path] == combined {
                    ready.append((url, beside.map { URL(fileURLWithPath: $0) }))
                    state.inFlight.insert(url.path)
                } else {
                    present[url.path] = combined
                }
            }
            state.seen = present
        }
        for (url, beside) in ready.sorted(by: { $0.0.path < $1.0.path }) { submit(url, companions: beside) }
    }

    private func submit(_ url: URL, companions: [URL]) {
        let input = PipelineInput(uri: url.path, companions: companions.map { CompanionFile(path: $0.path) }) { try InputCollector.read(url.path) }
        let identity: String
        do {
            identity = try input.identity(of: try Data(contentsOf: url, options: .alwaysMapped))
        } catch {
            logger.warning("cannot read \(url.lastPathComponent); will look again", metadata: ["error": "\(error.intakeMessage)"])
            _ = state.withLock { $0.inFlight.remove(url.path) }
            return
        }
        // The pipeline names the order the same way (bytes and companions + pipeline, no sender),
        // and is given the hash so it does not read and hash the files again.
        let key = ContentHash.idempotencyKey(sha256: identity, pipeline: pipelineName, sender: nil)
        completions.register(ContentHash.orderID(idempotencyKey: key)) { [weak self] record in
            self?.finished(url, companions: companions, record: record)
        }
        feed.append(PipelineInput(uri: url.path, idempotencyKey: key, sha256: identity, companions: input.companions, load: input.load))
    }

    private func finished(_ url: URL, companions: [URL], record: OrderRecord) {
        defer { _ = state.withLock { $0.inFlight.remove(url.path) } }
        let target = record.status == .failed ? failed : done
        let destination = Self.freeName(for: url.lastPathComponent, in: target, keeping: companions.map(\.pathExtension))
        do {
            if let error = record.error, record.status == .failed {
                let reason = "order \(record.id) failed in \(error.stage ?? "?"): \(error.code)\n\(error.message)\n"
                try Data(reason.utf8).write(to: target.appendingPathComponent(destination.lastPathComponent + ".reason.txt"))
            }
            // Waveforms first: a sidecar left without its waveform would fail if read again.
            for companion in companions {
                try FileManager.default.moveItem(at: companion, to: destination.deletingPathExtension().appendingPathExtension(companion.pathExtension))
            }
            try FileManager.default.moveItem(at: url, to: destination)
            logger.info("\(url.lastPathComponent) → \(target.lastPathComponent)/", metadata: ["order": "\(record.id)", "status": "\(record.status.rawValue)"])
        } catch {
            logger.error("could not move \(url.lastPathComponent) after its order was stored", metadata: ["order": "\(record.id)", "error": "\(error.intakeMessage)"])
        }
    }

    static func isCandidate(_ name: String) -> Bool {
        !name.hasPrefix(".") && ![".part", ".tmp", ".crdownload", ".reason.txt"].contains { name.hasSuffix($0) }
    }

    /// `name` in `folder`, or `name-2`, `name-3`… if taken (the same file name sent twice), free
    /// for the companion extensions too.
    private static func freeName(for name: String, in folder: URL, keeping extensions: [String] = []) -> URL {
        var candidate = folder.appendingPathComponent(name)
        var n = 2
        let base = (name as NSString).deletingPathExtension
        let ext = (name as NSString).pathExtension
        func taken(_ url: URL) -> Bool {
            FileManager.default.fileExists(atPath: url.path)
                || extensions.contains { FileManager.default.fileExists(atPath: url.deletingPathExtension().appendingPathExtension($0).path) }
        }
        while taken(candidate) {
            candidate = folder.appendingPathComponent(ext.isEmpty ? "\(base)-\(n)" : "\(base)-\(n).\(ext)")
            n += 1
        }
        return candidate
    }
}
