import Foundation
import IntakeCore
import IntakeTestSupport
import Testing

/// Behaviour of the `intake` command line, run as a real process (see Support/IntakeBinary.swift).
/// Every `process` run passes `--quiet` and a store (`--db`) in a temporary folder.
@Suite("intake command line")
struct ProcessCommandTests {
    // MARK: - Helpers

    static func records(of run: IntakeRun) throws -> [OrderRecord] {
        let decoder = OrderRecordCoding.decoder()
        return try run.stdoutLines.map { try decoder.decode(OrderRecord.self, from: $0) }
    }

    static func sampleRecord(named fileName: String) throws -> OrderRecord {
        let run = try SharedRuns.samples.get()
        let records = try records(of: run)
        return try #require(
            records.first { URL(fileURLWithPath: $0.source.uri).lastPathComponent == fileName },
            "no record for samples/messages/\(fileName) in \(run)")
    }

    /// The SKU of the material called `name` in samples/master/materials.csv.
    static func sku(ofMaterialNamed name: String) throws -> String {
        let text = try String(contentsOf: IntakeBinary.packageFile("samples/master/materials.csv"), encoding: .utf8)
        let rows = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(rows.first)
        let skuColumn = try #require(header.firstIndex(of: "sku"))
        let nameColumn = try #require(header.firstIndex(of: "name"))
        let row = try #require(rows.dropFirst().first { $0.count > nameColumn && $0[nameColumn] == name }, "\(name) is not in materials.csv")
        return row[skuColumn]
    }

    /// `intake process --quiet --no-events --db <storeIn>/intake.db arguments…`
    static func process(_ arguments: [String], storeIn folder: URL, stdin: Data? = nil) throws -> IntakeRun {
        try IntakeBinary.run(["process", "--quiet", "--no-events", "--db", folder.appendingPathComponent("intake.db").path] + arguments, stdin: stdin)
    }

    /// A pipeline file like pipelines/default.yaml but with absolute master paths, edited by `edit`.
    static func writePipeline(in folder: URL, named name: String, stageLines: [String]) throws -> (url: URL, text: String) {
        let master = IntakeBinary.packageFile("samples/master").path
        let graph = IntakeBinary.packageFile("models/intent-graph.yaml").path
        let text = ([
            "name: test",
            "version: 1",
            "master:",
            "  materials: \(master)/materials.csv",
            "  devices: \(master)/devices.csv",
            "  graph: \(graph)",
            "routes:",
            "  - modality: text",
            "    stages:",
        ] + stageLines).joined(separator: "\n") + "\n"
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return (url, text)
    }

    // MARK: - Processing

    @Test("Processing samples/messages writes one record per input file and exits 0")
    func samplesGiveOneRecordPerFile() throws {
        let run = try SharedRuns.samples.get()
        #expect(run.status == 0, "\(run)")
        let folder = IntakeBinary.packageFile("samples/messages")
        let walker = try #require(FileManager.default.enumerator(
            at: folder, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]))
        var files: [String] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            files.append(url.lastPathComponent)
        }
        try #require(!files.isEmpty)
        let records = try Self.records(of: run)
        #expect(records.count == files.count, "\(records.count) records for \(files.count) files")
        #expect(records.map { URL(fileURLWithPath: $0.source.uri).lastPathComponent }.sorted() == files.sorted())
        #expect(Set(records.map(\.id)).count == records.count, "order ids must be distinct")
    }

    @Test("Transformer T3 low oil: an inspection under Q/SP-2025-07, no oil drum, and the refill request noted as suppressed")
    func transformerLowOilIsAnInspection() throws {
        let record = try Self.sampleRecord(named: "transformer-t3-low-oil-refill.txt")
        #expect(record.status != .failed)
        #expect(record.intent.type == .inspection)
        #expect(record.intent.procedure?.code == "Q/SP-2025-07")
        let drums = record.intent.lines.filter {
            let name = $0.name ?? ""
            return name.contains("Transformer Oil") && name.localizedCaseInsensitiveContains("drum")
        }
        #expect(drums.isEmpty, "a low oil level must not order oil before the inspection: \(drums)")
        #expect(record.intent.notes.contains {
            $0.localizedCaseInsensitiveContains("refill") && $0.localizedCaseInsensitiveContains("suppressed")
        }, "notes: \(record.intent.notes)")
    }

    @Test("Store 12 courier message: party store 12, 3 chilled Iced Americano with oat milk, and a no-straw note")
    func store12CourierMessage() throws {
        let record = try Self.sampleRecord(named: "courier-store12.txt")
        #expect(record.intent.party?.kind == .store)
        #expect(record.intent.party?.id == "12")
        let icedAmericano = try Self.sku(ofMaterialNamed: "Iced Americano")
        let line = try #require(record.intent.lines.first { $0.sku == icedAmericano }, "no \(icedAmericano) line in \(record.intent.lines)")
        #expect(line.quantity == 3)
        #expect(line.handling.contains("chilled"))
        #expect(line.modifiers.contains("oat_milk"))
        #expect(record.intent.notes.contains { $0.localizedCaseInsensitiveContains("no straw") }, "notes: \(record.intent.notes)")
    }

    @Test("Standard input `-` is processed as one input")
    func standardInput() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Self.process(["-"], storeIn: folder, stdin: Data("2 flat whites for Harbor Café\n".utf8))
        #expect(run.status == 0, "\(run)")
        let records = try Self.records(of: run)
        try #require(records.count == 1, "\(run)")
        let line = try #require(records[0].intent.lines.first { $0.sku == "CAF-1007" }, "\(records[0].intent.lines)")
        #expect(line.quantity == 2)
    }

    @Test("Without a terminal there is no progress bar but still a summary line; --quiet drops it")
    func summaryLineWithoutATerminal() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = Data("2 flat whites for Harbor Café\n".utf8)
        let db = folder.appendingPathComponent("intake.db").path
        // The test's pipe stands for a log file: stderr is no terminal.
        let logged = try IntakeBinary.run(["process", "--no-events", "--db", db, "-"], stdin: input)
        #expect(logged.status == 0, "\(logged)")
        #expect(logged.stderrText.contains("intake: 1 records ("), "\(logged.stderrText)")
        #expect(logged.stderrText.contains("; 1 new, 0 already stored"), "\(logged.stderrText)")
        #expect(!logged.stderrText.contains("\r"), "a progress bar was drawn into a file: \(logged.stderrText)")
        let quiet = try Self.process(["-"], storeIn: folder, stdin: input)
        #expect(quiet.status == 0, "\(quiet)")
        #expect(!quiet.stderrText.contains("intake: "), "\(quiet.stderrText)")
    }

    // MARK: - Bad inputs and dead letters

    /// One run over a file of binary garbage and an empty file, with its store folder.
    struct BadInputsRun {
        let run: IntakeRun
        let store: URL
        let garbage: Data
    }

    /// `intake process` over `folder/garbage.bin` and `folder/empty.txt`, store in `folder/store`.
    static func processBadInputs(in folder: URL) throws -> BadInputsRun {
        let garbage = Data([0x00, 0xFF, 0xFE, 0x00, 0x01, 0x02, 0x03, 0x80, 0x81, 0xFF, 0x00, 0x7F, 0xC3, 0x28])
        let garbageURL = folder.appendingPathComponent("garbage.bin")
        let emptyURL = folder.appendingPathComponent("empty.txt")
        try garbage.write(to: garbageURL)
        try Data().write(to: emptyURL)
        let store = folder.appendingPathComponent("store")
        let run = try process([garbageURL.path, emptyURL.path], storeIn: store)
        return BadInputsRun(run: run, store: store, garbage: garbage)
    }

    static func failedRecords(_ bad: BadInputsRun) throws -> (garbage: OrderRecord, empty: OrderRecord) {
        let records = try records(of: bad.run)
        let garbage = try #require(records.first { $0.source.uri.hasSuffix("garbage.bin") }, "\(bad.run)")
        let empty = try #require(records.first { $0.source.uri.hasSuffix("empty.txt") }, "\(bad.run)")
        return (garbage, empty)
    }

    @Test("Binary garbage and an empty file become failed records with a clear error code, and the run still exits 0")
    func badInputsBecomeFailedRecords() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = try Self.processBadInputs(in: folder)
        #expect(bad.run.status == 0, "\(bad.run)")
        #expect(try Self.records(of: bad.run).count == 2)
        let (garbage, empty) = try Self.failedRecords(bad)
        for record in [garbage, empty] {
            #expect(record.status == .failed)
            #expect(record.intent == .none)
            let message = record.error?.message ?? ""
            #expect(!message.isEmpty, "a failed record needs a message saying what to do")
        }
        #expect(garbage.error?.code == "unsupported_input", "\(String(describing: garbage.error))")
        #expect(empty.error?.code == "empty_message", "\(String(describing: empty.error))")
    }

    @Test("Each failed input leaves a dead letter with its reason and original bytes (`deadletters list` and `show --bytes`)")
    func failedInputsLeaveDeadLetters() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = try Self.processBadInputs(in: folder)
        let (garbage, empty) = try Self.failedRecords(bad)
        let db = bad.store.appendingPathComponent("intake.db").path
        let list = try IntakeBinary.run(["deadletters", "list", "--json", "--db", db])
        #expect(list.status == 0, "\(list)")
        let letters = try list.jsonObjects()
        #expect(Set(letters.compactMap { $0["order_id"] as? String }) == [garbage.id, empty.id], "\(list)")
        for (record, bytes) in [(garbage, bad.garbage), (empty, Data())] {
            let letter = try #require(letters.first { $0["order_id"] as? String == record.id })
            #expect(letter["code"] as? String == record.error?.code)
            #expect(!((letter["reason"] as? String) ?? "").isEmpty)
            let copy = folder.appendingPathComponent("\(record.id).input")
            let show = try IntakeBinary.run(["deadletters", "show", record.id, "--bytes", copy.path, "--db", db])
            #expect(show.status == 0, "\(show)")
            #expect((try? Data(contentsOf: copy)) == bytes, "dead letter bytes differ from the input")
        }
    }

    @Test("Running the same batch again stores nothing twice and prints the stored orders")
    func reRunIsIdempotent() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try Self.process(["samples/messages"], storeIn: folder)
        let second = try Self.process(["samples/messages"], storeIn: folder)
        #expect(first.status == 0 && second.status == 0, "\(first) \(second)")
        let a = try Self.records(of: first), b = try Self.records(of: second)
        #expect(a.count == b.count && !a.isEmpty)
        #expect(Set(a.map(\.id)) == Set(b.map(\.id)))
        let list = try IntakeBinary.run(["review", "list", "--status", "all", "--json", "--db", folder.appendingPathComponent("intake.db").path])
        #expect(try list.jsonObjects().count == a.count, "\(list)")
    }

    @Test("The same input bytes get the same order id on every run, wherever the file is; other bytes get another id")
    func orderIDIsStable() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bytes = Data("store twelve: 3 iced americano, no straw\n".utf8)
        let first = folder.appendingPathComponent("first.txt")
        let copy = folder.appendingPathComponent("elsewhere/copy.txt")
        let other = folder.appendingPathComponent("elsewhere/other.txt")
        try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try bytes.write(to: first)
        try bytes.write(to: copy)
        try Data("store twelve: 4 iced americano, no straw\n".utf8).write(to: other)

        let runA = try Self.process([first.path], storeIn: folder.appendingPathComponent("store-a"))
        let runB = try Self.process([copy.path, other.path], storeIn: folder.appendingPathComponent("store-b"))
        #expect(runA.status == 0, "\(runA)")
        #expect(runB.status == 0, "\(runB)")
        let a = try #require(try Self.records(of: runA).first)
        let b = try Self.records(of: runB)
        let copyRecord = try #require(b.first { $0.source.uri.hasSuffix("copy.txt") })
        let otherRecord = try #require(b.first { $0.source.uri.hasSuffix("other.txt") })
        #expect(a.id.wholeMatch(of: /ord_[0-9a-f]{24}/) != nil, "\(a.id)")
        #expect(a.id == copyRecord.id)
        #expect(a.source.sha256 == copyRecord.source.sha256)
        #expect(otherRecord.id != a.id)
    }

    /// `<name>.json`, a sidecar without `captured_at`, and `<name>.csv`, 2 s of a line at
    /// `lineHz`, a structural one and a little jitter (a pure sine sits at its peak like a
    /// clipped one), at 4 kHz for `device`.
    @discardableResult
    static func writeCapture(named name: String, lineHz hz: Double, device: String, in folder: URL) throws -> Data {
        let samples = (0..<8_000).map { i -> String in
            let t = Double(i) / 4_000
            return String(format: "%.6f", 0.2 * sin(2 * .pi * hz * t) + 0.05 * sin(2 * .pi * 1_234.5 * t) + Double((i * 7_919) % 1_000) / 1e5)
        }
        let waveform = Data((["g"] + samples).joined(separator: "\n").utf8)
        try waveform.write(to: folder.appendingPathComponent("\(name).csv"))
        try Data(#"{"device_id":"\#(device)","sample_rate_hz":4000,"rpm":2950,"unit":"g"}"#.utf8).write(to: folder.appendingPathComponent("\(name).json"))
        return waveform
    }

    @Test("A failed sidecar's dead letter keeps its waveform too: shown beside it, and retried from the store after the files are gone")
    func aSidecarsDeadLetterKeepsItsWaveform() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let captures = folder.appendingPathComponent("captures")
        try FileManager.default.createDirectory(at: captures, withIntermediateDirectories: true)
        let waveform = try Self.writeCapture(named: "capture", lineHz: 49.2, device: "P-999", in: captures)
        let db = folder.appendingPathComponent("intake.db").path
        let failed = try #require(try Self.records(of: try Self.process([captures.path], storeIn: folder)).first)
        #expect(failed.status == .failed && failed.error?.code == "unknown_device", "\(failed)")

        let copy = folder.appendingPathComponent("copy.json")
        let show = try IntakeBinary.run(["deadletters", "show", failed.id, "--bytes", copy.path, "--db", db])
        #expect(show.status == 0, "\(show)")
        let shown = try JSONSerialization.jsonObject(with: show.stdout) as? [String: Any]
        #expect(shown?["files"] as? [String] == ["capture.csv"], "\(show)")
        #expect(try Data(contentsOf: folder.appendingPathComponent("copy.csv")) == waveform)

        // The capture is gone (moved, cleaned up); the device is registered; the retry works from the store alone.
        try FileManager.default.removeItem(at: captures)
        let devices = folder.appendingPathComponent("devices.csv")
        let known = try String(contentsOf: IntakeBinary.packageFile("samples/master/devices.csv"), encoding: .utf8)
        try (known + "P-999,pump,plant-1,6305-2RS,8,10.32,44.0,0,2950,2,rigid\n").write(to: devices, atomically: true, encoding: .utf8)
        let retry = try IntakeBinary.run(["deadletters", "retry", failed.id, "--quiet", "--no-events", "--devices", devices.path, "--db", db])
        #expect(retry.status == 0, "\(retry)")
        let list = try IntakeBinary.run(["review", "list", "--status", "all", "--json", "--db", db])
        let stored = try #require(try list.jsonObjects().first { $0["id"] as? String == failed.id }, "\(list)")
        #expect(stored["status"] as? String != "failed", "\(stored)")
        let open = try IntakeBinary.run(["deadletters", "list", "--json", "--db", db])
        #expect(try open.jsonObjects().isEmpty, "\(open)")
    }

    @Test("Two captures with the same sidecar JSON beside different waveforms are two orders, named as a folder or one by one")
    func sidecarsWithTheSameBytesAreTwoOrdersWhenTheirWaveformsDiffer() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let captures = folder.appendingPathComponent("captures")
        try FileManager.default.createDirectory(at: captures, withIntermediateDirectories: true)
        // An edge box that writes the same metadata for every capture (no captured_at).
        for (name, hz) in [("first", 49.2), ("second", 98.3)] { try Self.writeCapture(named: name, lineHz: hz, device: "P-102", in: captures) }
        let run = try Self.process([captures.path], storeIn: folder)
        let records = try Self.records(of: run)
        #expect(run.status == 0, "\(run)")
        #expect(records.count == 2 && Set(records.map(\.id)).count == 2, "\(records.map { ($0.source.uri, $0.id) })")
        #expect(records.allSatisfy { $0.status != .failed }, "\(records.map { $0.error?.message ?? "" })")
        // Named one by one, each sidecar is the same order as in the folder; nothing is made twice.
        let named = try Self.process(["first.json", "second.json"].map { captures.appendingPathComponent($0).path }, storeIn: folder)
        #expect(Set(try Self.records(of: named).map(\.id)) == Set(records.map(\.id)), "\(named)")
        let list = try IntakeBinary.run(["review", "list", "--status", "all", "--json", "--db", folder.appendingPathComponent("intake.db").path])
        #expect(try list.jsonObjects().count == 2, "\(list)")
    }

    @Test("--out FILE writes the records to the file and nothing to stdout")
    func outWritesToFile() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("orders.jsonl")
        let run = try Self.process(
            ["--out", out.path, "samples/messages/courier-store12.txt", "samples/messages/transformer-t3-low-oil-refill.txt"],
            storeIn: folder.appendingPathComponent("dead"))
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.isEmpty, "stdout: \(run.stdoutText)")
        let lines = try Data(contentsOf: out).split(separator: 0x0A).filter { !$0.isEmpty }
        #expect(lines.count == 2)
        let decoded = try lines.map { try OrderRecordCoding.decoder().decode(OrderRecord.self, from: Data($0)) }
        #expect(Set(decoded.map { URL(fileURLWithPath: $0.source.uri).lastPathComponent })
            == ["courier-store12.txt", "transformer-t3-low-oil-refill.txt"])
    }

    @Test("--out on a full disk exits 1 naming the file and the reason, counts what was stored; the next run writes every order once")
    func outOnAFullDisk() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("intake.db").path
        let full = try IntakeBinary.run(["process", "--no-events", "--db", db, "--out", "/dev/full", "samples/messages"])
        #expect(full.status == 1, "\(full)")
        #expect(full.stderrText.contains("cannot write to /dev/full (No space left on device)"), "\(full)")
        #expect(full.stderrText.contains("records not written"), "\(full)")
        #expect(!full.stderrText.contains(", -"), "no negative count in the summary: \(full)")
        let summary = try #require(full.stderrText.split(separator: "\n").first { $0.hasPrefix("intake: ") }, "\(full)")
        let stored = try #require(Int(summary.firstMatch(of: /(\d+) new/)?.output.1 ?? ""), "\(summary)")
        #expect(summary.contains("\(stored) new, 0 already stored"), "\(summary)")

        let out = folder.appendingPathComponent("orders.jsonl")
        let again = try IntakeBinary.run(["process", "--no-events", "--db", db, "--out", out.path, "samples/messages"])
        #expect(again.status == 0, "\(again)")
        let inputs = try FileManager.default.contentsOfDirectory(atPath: IntakeBinary.packageFile("samples/messages").path).count
        #expect(again.stderrText.contains("\(inputs - stored) new, \(stored) already stored"), "\(again)")
        let lines = try Data(contentsOf: out).split(separator: 0x0A).filter { !$0.isEmpty }
        let ids = try lines.map { try OrderRecordCoding.decoder().decode(OrderRecord.self, from: Data($0)).id }
        #expect(ids.count == inputs && Set(ids).count == inputs)
    }

    // MARK: - Usage and configuration errors: exit status 2

    @Test("A nonexistent input path exits 2, names the path and prints no records")
    func nonexistentInputExits2() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("no-such-input.txt").path
        let run = try Self.process([missing], storeIn: folder)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderrText.contains("no-such-input.txt"), "\(run)")
        #expect(run.stdout.isEmpty)
    }

    @Test("A pipeline file with an unknown key exits 2, naming the file, the line and the key")
    func pipelineUnknownKeyExits2() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (pipeline, text) = try Self.writePipeline(in: folder, named: "unknown-key.yaml", stageLines: [
            "      - uses: text.decode",
            "        concurency: 2",
            "      - uses: align",
            "      - uses: record",
        ])
        let line = try #require(text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("concurency") }) + 1
        let run = try Self.process(["--pipeline", pipeline.path, "samples/messages/courier-store12.txt"], storeIn: folder)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderrText.contains("unknown-key.yaml:\(line)"), "expected file:line \(line) in \(run.stderrText)")
        #expect(run.stderrText.contains("concurency"), "\(run.stderrText)")
        #expect(run.stdout.isEmpty)
    }

    @Test("A pipeline naming an unknown stage exits 2, naming the stage")
    func pipelineUnknownStageExits2() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (pipeline, _) = try Self.writePipeline(in: folder, named: "unknown-stage.yaml", stageLines: [
            "      - uses: text.decode",
            "      - uses: text.telepathy",
            "      - uses: record",
        ])
        let run = try Self.process(["--pipeline", pipeline.path, "samples/messages/courier-store12.txt"], storeIn: folder)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderrText.contains("text.telepathy"), "\(run.stderrText)")
        #expect(run.stderrText.contains("unknown-stage.yaml"), "\(run.stderrText)")
        #expect(run.stdout.isEmpty)
    }

    @Test("--materials pointing to a CSV without a unit column exits 2, naming the file and the column")
    func materialsWithoutUnitExits2() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("no-unit-materials.csv")
        try """
            sku,name,aliases,category,handling,unit_price
            CAF-1004,Iced Americano,iced americano,cafe.beverage.coffee,chilled,3.20

            """.write(to: csv, atomically: true, encoding: .utf8)
        let run = try Self.process(["--materials", csv.path, "samples/messages/courier-store12.txt"], storeIn: folder)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderrText.contains("no-unit-materials.csv"), "\(run.stderrText)")
        #expect(run.stderrText.contains("unit"), "\(run.stderrText)")
        #expect(run.stdout.isEmpty)
    }

    @Test("An unknown flag exits 2 and names the flag")
    func unknownFlagExits2() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Self.process(["--no-such-flag", "samples/messages"], storeIn: folder)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderrText.contains("--no-such-flag"), "\(run.stderrText)")
        #expect(run.stdout.isEmpty)
    }

    // MARK: - Help and pipeline checks

    @Test(
        "intake --help exits 0 and shows Examples")
    func rootHelpShowsExamples() throws {
        let run = try IntakeBinary.run(["--help"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdoutText.contains("Examples"), "\(run.stdoutText)")
    }

    @Test("intake process --help exits 0 and shows Examples")
    func processHelpShowsExamples() throws {
        let run = try IntakeBinary.run(["process", "--help"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdoutText.contains("Examples"), "\(run.stdoutText)")
    }

    @Test("intake pipelines check pipelines/default.yaml exits 0 and prints ok")
    func pipelinesCheckDefault() throws {
        let run = try IntakeBinary.run(["pipelines", "check", "pipelines/default.yaml"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdoutText.contains("ok"), "\(run.stdoutText)")
    }

    @Test("intake pipelines check refuses a bad value in the review, events or server section (exit 2)")
    func pipelinesCheckReadsEverySection() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try String(contentsOf: IntakeBinary.packageFile("pipelines/default.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "../", with: IntakeBinary.packageRoot.path + "/")
        for (from, to, reason) in [
            ("audit_rate: 0.02", "audit_rate: 2", "audit_rate must be between 0 and 1"),
            ("type: jsonl", "type: kafka", "unknown event sink type kafka"),
            ("port: 8080", "port: 99999", "server.port"),
        ] {
            #expect(original.contains(from))
            let file = folder.appendingPathComponent("bad.yaml")
            try original.replacingOccurrences(of: from, with: to).write(to: file, atomically: true, encoding: .utf8)
            let run = try IntakeBinary.run(["pipelines", "check", file.path])
            #expect(run.status == 2, "\(to): \(run)")
            #expect(run.stderrText.contains(reason), "\(run.stderrText)")
        }
    }
}
