import Foundation
import IntakeCore

/// Waveforms that arrive as files beside a sidecar JSON (`alert-17.json` + `alert-17.wav` or
/// `alert-17.csv`): a WAV file (PCM 16/24/32-bit integer or 32-bit float; the first channel is
/// used) or a CSV of numbers: one column, or time and sample (`csv(_:name:)`).
enum WaveformFile {
    /// The samples of `file`, with the WAV's own sample rate when it has one.
    static func read(_ file: CompanionFile) throws -> (samples: [Float], sampleRate: Double?) {
        let data: Data
        do { data = try file.load() } catch {
            throw VibrationError.malformedAlert("cannot read \(file.name): \(error.localizedDescription)")
        }
        switch URL(fileURLWithPath: file.name).pathExtension.lowercased() {
        case "wav": return try wav(data, name: file.name)
        case "csv": return (try csv(data, name: file.name), nil)
        default: throw VibrationError.malformedAlert("\(file.name): waveform files are .wav or .csv")
        }
    }

    /// RIFF/WAVE: finds `fmt ` and `data` chunks; integer PCM is scaled to ±1 full scale.
    static func wav(_ data: Data, name: String) throws -> (samples: [Float], sampleRate: Double?) {
        let bytes = [UInt8](data)
        func fail(_ reason: String) -> VibrationError { .malformedAlert("\(name): \(reason)") }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        guard bytes.count >= 12, bytes[0..<4] == [0x52, 0x49, 0x46, 0x46], bytes[8..<12] == [0x57, 0x41, 0x56, 0x45] else {
            throw fail("not a WAV file (no RIFF/WAVE header)")
        }
        var offset = 12
        var format: (code: Int, channels: Int, rate: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
            let size = u32(offset + 4)
            let body = offset + 8
            if id == "fmt " {
                guard size >= 16, body + 16 <= bytes.count else { throw fail("the fmt chunk is truncated") }
                var code = u16(body)
                if code == 0xFFFE, size >= 40, body + 26 <= bytes.count { code = u16(body + 24) }  // WAVE_FORMAT_EXTENSIBLE
                format = (code, u16(body + 2), u32(body + 4), u16(body + 14))
            } else if id == "data" {
                guard let format else { throw fail("the data chunk comes before the fmt chunk") }
                guard format.channels >= 1, format.rate > 0 else { throw fail("the fmt chunk says \(format.channels) channels at \(format.rate) Hz") }
                let width = format.bits / 8
                let frame = width * format.channels
                let available = min(size, bytes.count - body)
                guard frame > 0, available >= frame else { throw fail("no samples in the data chunk (truncated?)") }
                let count = available / frame
                var samples = [Float](repeating: 0, count: count)
                for i in 0..<count {
                    let at = body + i * frame
                    switch (format.code, format.bits) {
                    case (1, 16): samples[i] = Float(Int16(bitPattern: UInt16(u16(at)))) / 32_768
                    case (1, 24):
                        let raw = Int32(bitPattern: UInt32(bytes[at]) << 8 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 24)
                        samples[i] = Float(raw >> 8) / 8_388_608
                    case (1, 32): samples[i] = Float(Int32(bitPattern: UInt32(u32(at)))) / 2_147_483_648
                    case (3, 32): samples[i] = Float(bitPattern: UInt32(u32(at)))
                    default:
                        throw fail("unsupported WAV encoding (format \(format.code), \(format.bits) bits); use PCM 16/24/32-bit or 32-bit float")
                    }
                }
                return (samples, Double(format.rate))
            }
            offset = body + size + (size & 1)
        }
        throw fail(format == nil ? "no fmt chunk" : "no data chunk (truncated?)")
    }

    /// A CSV of samples: one column, or two where the first is time (strictly increasing, as a
    /// data logger writes `t,value`), after an optional header line. Fields are separated by
    /// commas, or by semicolons or tabs, and then a comma may be the decimal mark ("0,142";
    /// Excel writes so in many locales). Anything else is refused: read wrongly, a time column
    /// or the integer parts of decimal commas made a repair order.
    static func csv(_ data: Data, name: String) throws -> [Float] {
        func fail(_ reason: String) -> VibrationError { .malformedAlert("\(name) \(reason)") }
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(whereSeparator: \.isNewline).enumerated().filter { !$0.element.allSatisfy(\.isWhitespace) }
        guard let first = lines.first, let last = lines.last else { return [] }
        // Told by the last line: the first may be a header.
        let separator: Character = last.element.contains(";") ? ";" : last.element.contains("\t") ? "\t" : ","
        var columns: [[Float]] = []
        for (index, line) in lines {
            let fields = line.split(separator: separator, omittingEmptySubsequences: false).map { raw in
                let field = raw.trimmingCharacters(in: .whitespaces)
                return separator == "," ? field : field.replacingOccurrences(of: ",", with: ".")
            }
            let values = fields.map { Float($0) }
            if index == first.offset, values.contains(where: { $0 == nil }) { continue }  // a header
            if columns.isEmpty { columns = Array(repeating: [], count: fields.count) }
            guard fields.count == columns.count else {
                throw fail("line \(index + 1): \(fields.count) fields, where the lines before have \(columns.count)")
            }
            for (column, value) in values.enumerated() {
                guard let value else { throw fail("line \(index + 1): \(fields[column]) is not a number") }
                columns[column].append(value)
            }
        }
        switch columns.count {
        case 0: return []
        case 1: return columns[0]
        case 2 where zip(columns[0], columns[0].dropFirst()).allSatisfy({ $0 < $1 }): return columns[1]
        default:
            let hint = separator == "," ? "; if a comma is the decimal mark, separate fields with semicolons" : ""
            throw fail("has \(columns.count) columns; send one column of samples, or time and sample\(hint)")
        }
    }
}
