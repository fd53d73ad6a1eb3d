import ArgumentParser
import Foundation
import IntakeAlignment
import IntakeCore
import IntakeVibration

/// `intake-bench all`: every figure in one run, side by side. Each modality bench runs as a
/// child process of this executable (`--json`), so one bench's memory and threads never colour
/// the next; the batch runs the real `intake process` on 10,000 generated inputs with 1 and 2
/// workers per stage and reads each run's peak RSS from `wait4`.
struct AllBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Run every benchmark once and print the figures side by side (raw library vs intake, store, scaling, memory).",
        discussion: """
            Takes about 10 minutes on 2 cores. Build in release first:
              swift build -c release
              .build/release/intake-bench all
              .build/release/intake-bench all --postgres postgres://postgres@127.0.0.1:5432/bench --json
            """)

    @Option(help: ArgumentHelp("An empty PostgreSQL database for the store figures (skipped without it).", valueName: "url"))
    var postgres: String?
    @Option(help: "Inputs in the memory and scaling batch (text messages, one alert in ten).") var batch = 10_000
    @Option(help: "Voice sentences (each rendered in 9 conditions).") var sentences = 12
    @Option(help: "Purchase orders (each printed clean and degraded).") var orders = 10
    @Option(help: ArgumentHelp("Folder for generated inputs (kept between runs).", valueName: "dir"))
    var work = "intake-data/bench-all"
    @Flag(help: "Print the figures as one JSON object.") var json = false

    func run() throws {
        let folder = URL(fileURLWithPath: work)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let bench = try ChildProcess.sibling("intake-bench")
        var figures: [String: Any] = ["date": ISO8601DateFormatter().string(from: Date()), "cores": ProcessInfo.processInfo.activeProcessorCount]
        func child(_ name: String, _ arguments: [String]) throws -> [String: Any] {
            log("\(name)…")
            let run = try ChildProcess.run(bench, arguments + ["--json"])
            guard run.status == 0, let object = try? JSONSerialization.jsonObject(with: run.stdout) as? [String: Any] else {
                throw BenchError("intake-bench \(arguments.joined(separator: " ")) failed (exit \(run.status)): \(run.stderrTail)")
            }
            var result = object
            result["peak_rss_mb"] = run.peakRSSMegabytes
            figures[name] = result
            return result
        }

        let text1 = try child("text_jobs1", ["text", "--messages", "5000", "--jobs", "1", "--show-errors", "0"])
        let text2 = try child("text_jobs2", ["text", "--messages", "5000", "--jobs", "2", "--show-errors", "0"])
        let vibration = try child("vibration", ["vibration", "--per-class", "10", "--speed-alerts", "200", "--show-errors", "0"])
        let voice = try child("voice", [
            "voice", "--sentences", "\(sentences)", "--corpus", folder.appendingPathComponent("voice").path, "--testdata", "",
            "--show-errors", "0"])
        let documents = try child("documents", [
            "documents", "--orders", "\(orders)", "--corpus", folder.appendingPathComponent("documents").path, "--show-errors", "0"])
        let sqlite = try child("store_sqlite", ["store", "--orders", "10000", "--single", "500"])
        var postgresFigures: [String: Any]?
        if let postgres { postgresFigures = try child("store_postgres", ["store", "--orders", "10000", "--single", "500", "--db", postgres]) }

        log("batch of \(batch) inputs…")
        let inputs = try BatchInputs.write(count: batch, to: folder.appendingPathComponent("batch"))
        var batches: [Int: ChildProcess.Result] = [:]
        for jobs in [1, 2] {
            let store = folder.appendingPathComponent("batch-\(jobs).db")
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store.path + suffix) }
            let run = try ChildProcess.run(try ChildProcess.sibling("intake"), [
                "process", "--quiet", "--no-events", "--jobs", "\(jobs)", "--db", store.path, "--out", "/dev/null", inputs.path])
            guard run.status == 0 else { throw BenchError("intake process failed (exit \(run.status)): \(run.stderrTail)") }
            batches[jobs] = run
            figures["batch_jobs\(jobs)"] = [
                "inputs": batch, "seconds": run.seconds, "inputs_per_second": Double(batch) / run.seconds,
                "peak_rss_mb": run.peakRSSMegabytes,
            ]
        }

        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self))
            return
        }
        func number(_ object: [String: Any]?, _ key: String) -> Double { (object?[key] as? NSNumber)?.doubleValue ?? .nan }
        let recordings = number(voice, "recordings")
        print("intake-bench all — \(figures["date"]!), \(figures["cores"]!) cores, release build")
        print("")
        print("per input                raw library                  intake (bytes → order)       intake / raw")
        let voiceRaw = number(voice, "raw_seconds") / recordings, voiceIntake = number(voice, "pipeline_seconds") / recordings
        print(String(format: "  voice, per file        %7.3f s (PocketSphinx)     %7.3f s                    %5.2f×", voiceRaw, voiceIntake, voiceIntake / voiceRaw))
        // Bare Tesseract is handed decoded pages, so intake is timed from the decoded page too.
        let pageRaw = number(documents, "bare_tesseract_seconds_per_page"), pageIntake = number(documents, "intake_from_decoded_seconds_per_page")
        print(String(format: "  documents, per page*   %7.3f s (Tesseract)        %7.3f s                    %5.2f×", pageRaw, pageIntake, pageIntake / pageRaw))
        let fftRaw = number(vibration, "raw_fft_p50_ms"), alertIntake = number(vibration, "p50_ms")
        print(String(format: "  vibration, per alert   %7.2f ms (FFTW, p50)       %7.2f ms (p50)             %5.1f×", fftRaw, alertIntake, alertIntake / fftRaw))
        print(String(format: "  * from the decoded page, in the same languages (%@); decoding the file took %.3f s/page more",
                     (documents["first_reading_languages"] as? String ?? "?") as NSString, number(documents, "decode_seconds_per_page")))
        print("")
        print("accuracy")
        print(String(format: "  text lines %.2f%%   vibration fault class %.2f%%   voice orders exact %.1f%% (all conditions)",
                     number(text1, "line_accuracy") * 100, number(vibration, "accuracy") * 100, voiceOrderAccuracy(voice) * 100))
        print("")
        print("store, orders/s          batched (256/tx)   resubmitted   one per transaction")
        for (name, store) in [("SQLite", sqlite), ("PostgreSQL", postgresFigures)] {
            guard let store else {
                print("  \(name.padding(toLength: 22, withPad: " ", startingAt: 0)) skipped (pass --postgres URL)")
                continue
            }
            print(String(format: "  %@ %10.0f      %10.0f        %10.0f", name.padding(toLength: 22, withPad: " ", startingAt: 0),
                         number(store, "orders_per_second"), number(store, "resubmitted_per_second"), number(store, "single_orders_per_second")))
        }
        print("")
        print("scaling                  1 worker           2 workers     speed-up")
        let textRate1 = number(text1, "orders_per_second"), textRate2 = number(text2, "orders_per_second")
        print(String(format: "  text pipeline, msg/s   %8.0f           %8.0f       %5.2f×", textRate1, textRate2, textRate2 / textRate1))
        let voiceWall1 = number(voice, "jobs1_wall_seconds"), voiceWall2 = number(voice, "jobs_wall_seconds")
        print(String(format: "  voice, files/s         %8.2f           %8.2f       %5.2f×", recordings / voiceWall1, recordings / voiceWall2, voiceWall1 / voiceWall2))
        let pages1 = 1 / number(documents, "intake_seconds_per_page"), pages2 = number(documents, "pages_per_second_2_workers")
        print(String(format: "  documents, pages/s     %8.2f           %8.2f       %5.2f×", pages1, pages2, pages2 / pages1))
        if let one = batches[1], let two = batches[2] {
            print(String(format: "  intake process, in/s   %8.0f           %8.0f       %5.2f×",
                         Double(batch) / one.seconds, Double(batch) / two.seconds, one.seconds / two.seconds))
            print("")
            print(String(format: "memory: peak RSS of intake process over %d inputs (%d alerts, the rest text): %.0f MB with 1 worker, %.0f MB with 2",
                         batch, inputs.alerts, one.peakRSSMegabytes, two.peakRSSMegabytes))
        }
    }

    private func voiceOrderAccuracy(_ voice: [String: Any]) -> Double {
        guard let conditions = voice["conditions"] as? [String: [String: Any]] else { return .nan }
        let orders = conditions.values.compactMap { ($0["recordings"] as? NSNumber)?.doubleValue }.reduce(0, +)
        let exact = conditions.values.compactMap { ($0["exact_orders"] as? NSNumber)?.doubleValue }.reduce(0, +)
        return orders > 0 ? exact / orders : .nan
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("intake-bench all: \(message)\n".utf8))
    }
}

/// The memory and scaling batch: text messages from the demo catalog and, one in ten, a
/// vibration alert (2 s at 12.8 kHz), written once and reused.
enum BatchInputs {
    static func write(count: Int, to folder: URL) throws -> (path: String, alerts: Int) {
        let alerts = count / 10
        let marker = folder.appendingPathComponent(".complete-\(count)")
        if FileManager.default.fileExists(atPath: marker.path) { return (folder.path, alerts) }
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let master = try MasterData.load(
            materials: URL(fileURLWithPath: "samples/master/materials.csv"), devices: URL(fileURLWithPath: "samples/master/devices.csv"),
            graph: nil)
        var corpus = TextOrderCorpus(materials: master.materials, seed: 10_000)
        for (index, message) in corpus.messages(count - alerts).enumerated() {
            try Data(message.text.utf8).write(to: folder.appendingPathComponent(String(format: "m%05d.txt", index)))
        }
        let simulator = FaultSimulator()
        let devices = master.devices.devices
        let faults: [FaultClass] = [.normal, .outerRace, .innerRace, .imbalance, .misalignment]
        for index in 0..<alerts {
            let alert = simulator.alert(FaultSimulator.Scenario(
                device: devices[index % devices.count], fault: faults[index % faults.count], sampleRate: 12_800, duration: 2,
                seed: UInt64(index)))
            try alert.jsonData().write(to: folder.appendingPathComponent(String(format: "a%05d.json", index)))
        }
        try Data().write(to: marker)
        return (folder.path, alerts)
    }
}

/// A child process run to completion with `posix_spawn` and `wait4`, so its peak RSS is its own.
enum ChildProcess {
    struct Result {
        var status: Int32
        var seconds: Double
        var peakRSSMegabytes: Double
        var stdout: Data
        var stderr: Data
        var stderrTail: String { String(String(decoding: stderr, as: UTF8.self).suffix(1500)) }
    }

    /// An executable built beside this one (`.build/release/intake`).
    static func sibling(_ name: String) throws -> String {
        let path = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw BenchError("\(path) not found; build everything first: swift build -c release")
        }
        return path
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("intake-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("stdout"), err = scratch.appendingPathComponent("stderr")

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, out.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let started = DispatchTime.now()
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw BenchError("cannot start \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = elapsedSeconds(since: started)
        let exit = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Result(
            status: exit, seconds: seconds, peakRSSMegabytes: Double(usage.ru_maxrss) / 1024,  // Linux: kilobytes
            stdout: (try? Data(contentsOf: out)) ?? Data(), stderr: (try? Data(contentsOf: err)) ?? Data())
    }
}

/// A step of `intake-bench all` that could not run, with what it printed.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
