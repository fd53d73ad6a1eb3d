import Foundation

/// PocketSphinx's compressed mixture weights (`sendump`) → SphinxTrain's `mixture_weights`.
///
/// Debian's en-us model ships only `sendump`: 8-bit weights, each the negated log (base
/// 1.0001) of the weight shifted right. SphinxTrain's `bw` needs the float file to align
/// adaptation speech. The weights come back as exact as the dump kept them, which is all the
/// decoder itself ever uses.
public struct SenoneMixtureWeights: Sendable, Equatable {
    /// Senones × feature streams × densities, row-major.
    public var weights: [Float]
    public var senones: Int
    public var streams: Int
    public var densities: Int

    /// Reads a `sendump` file.
    public init(sendump data: Data) throws {
        var reader = DumpReader(data: data)
        _ = try reader.string()  // the title
        var header: [String: Int] = [:]
        while let line = try reader.string() {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Int(parts[1]) { header[String(parts[0])] = value }
        }
        guard header["cluster_count", default: 0] == 0 else {
            throw VoiceError.adaptationFailed("sendump with clustered weights (cluster_count \(header["cluster_count"]!)) is not supported")
        }
        let shift = header["mixw_shift"] ?? 10
        streams = header["feature_count"] ?? 0
        densities = try reader.integer()
        senones = try reader.integer()
        guard streams > 0, densities > 0, senones > 0, streams * densities * senones <= 100_000_000 else {
            throw VoiceError.adaptationFailed("sendump has an implausible shape: \(senones) senones, \(streams) streams, \(densities) densities")
        }
        var weights = [Float](repeating: 0, count: senones * streams * densities)
        // Stored stream by stream, density by density, one byte per senone.
        for stream in 0..<streams {
            for density in 0..<densities {
                let row = try reader.bytes(senones)
                for (senone, byte) in row.enumerated() {
                    weights[(senone * streams + stream) * densities + density] = Float(pow(1.0001, -Double(Int(byte) << shift)))
                }
            }
        }
        self.weights = weights
    }

    /// The SphinxTrain (Sphinx-III) binary `mixture_weights` file.
    public var sphinxTrainFile: Data {
        var data = Data("s3\nversion 1.0\n".utf8)
        let padding = (4 - (data.count + "endhdr\n".utf8.count) % 4) % 4
        data.append(Data((String(repeating: " ", count: padding) + "endhdr\n").utf8))
        func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        append(0x1122_3344)  // byte-order mark
        for value in [senones, streams, densities, weights.count] { append(UInt32(value)) }
        for weight in weights { append(weight.bitPattern) }
        return data
    }

    /// Big- or little-endian 32-bit lengths, as the file says: a length over 65,536 read one
    /// way means the other.
    private struct DumpReader {
        let data: Data
        var offset = 0
        var bigEndian: Bool?

        mutating func integer() throws -> Int {
            guard offset + 4 <= data.count else { throw VoiceError.adaptationFailed("sendump ends early") }
            let bytes = [UInt8](data[data.startIndex + offset..<data.startIndex + offset + 4])
            offset += 4
            let little = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
            let big = Int(bytes[3]) | Int(bytes[2]) << 8 | Int(bytes[1]) << 16 | Int(bytes[0]) << 24
            if bigEndian == nil { bigEndian = little > 65536 }
            return bigEndian! ? big : little
        }

        /// A length-prefixed, NUL-terminated string; nil for the empty one that ends the header.
        mutating func string() throws -> String? {
            let length = try integer()
            guard length > 0 else { return nil }
            let bytes = try self.bytes(length)
            return String(decoding: bytes.dropLast(), as: UTF8.self)
        }

        mutating func bytes(_ count: Int) throws -> ArraySlice<UInt8> {
            guard count >= 0, offset + count <= data.count else { throw VoiceError.adaptationFailed("sendump ends early") }
            defer { offset += count }
            return [UInt8](data[data.startIndex + offset..<data.startIndex + offset + count])[...]
        }
    }
}
