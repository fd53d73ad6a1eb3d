import Foundation

/// The first file of a `multipart/form-data` body that is already on disk.
///
/// The body is memory-mapped, not read, so a large upload is never held in memory; the part's
/// bytes are copied to `destination`. The body is scanned once, front to back, and at most
/// `maximumParts` parts are looked at: a form of many tiny fields cannot keep a thread busy.
enum MultipartFile {
    struct Part: Sendable {
        var filename: String?
        var contentType: String?
    }

    /// Parts read before giving up on finding a file. Browsers and `curl -F` send a handful.
    static let maximumParts = 100

    /// The boundary of a `multipart/form-data; boundary=…` content type, or nil.
    static func boundary(of contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return (1...70).contains(value.utf8.count) ? value : nil  // RFC 2046's limit
            }
        }
        return nil
    }

    /// Copies the first part that has a filename (else the first part) of `body` to `destination`.
    static func extract(from body: URL, boundary: String, to destination: URL) throws -> Part {
        let data = try Data(contentsOf: body, options: .alwaysMapped)
        let chosen: (part: Part, range: Range<Int>)? = try data.withUnsafeBytes { bytes in
            let delimiter = Array("--\(boundary)".utf8), nextDelimiter = Array("\r\n--\(boundary)".utf8)
            var first: (part: Part, range: Range<Int>)?
            var cursor = 0, count = 0
            while let start = find(delimiter, in: bytes, from: cursor) {
                let afterDelimiter = start + delimiter.count
                if bytes.count - afterDelimiter >= 2, bytes[afterDelimiter] == UInt8(ascii: "-"), bytes[afterDelimiter + 1] == UInt8(ascii: "-") { break }
                guard let headersEnd = find(Array("\r\n\r\n".utf8), in: bytes, from: afterDelimiter),
                      let next = find(nextDelimiter, in: bytes, from: headersEnd + 4)
                else { break }
                let headers = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[afterDelimiter..<headersEnd]), as: UTF8.self)
                let found = (part: Self.part(headers), range: (headersEnd + 4)..<next)
                if found.part.filename != nil { return found }
                first = first ?? found
                count += 1
                guard count < maximumParts else {
                    throw APIError.badRequest("the form's first \(maximumParts) fields hold no file; send the file as a form field (curl -F file=@report.wav)")
                }
                cursor = next + 2
            }
            return first
        }
        guard let chosen else {
            throw APIError.badRequest("the multipart body has no parts; send the file as a form field (curl -F file=@report.wav)")
        }
        try data[chosen.range].write(to: destination)
        return chosen.part
    }

    /// The offset of the first `needle` in `bytes` at or after `offset`. memchr(3) finds each
    /// candidate first byte; the needle (a boundary, at most 70 bytes by RFC 2046) is short.
    private static func find(_ needle: [UInt8], in bytes: UnsafeRawBufferPointer, from offset: Int) -> Int? {
        guard let base = bytes.baseAddress, let head = needle.first else { return nil }
        var position = offset
        while position + needle.count <= bytes.count {
            guard let hit = memchr(base + position, Int32(head), bytes.count - position - needle.count + 1) else { return nil }
            let at = Int(bitPattern: hit) - Int(bitPattern: base)
            if needle.withUnsafeBytes({ memcmp(base + at, $0.baseAddress!, needle.count) }) == 0 { return at }
            position = at + 1
        }
        return nil
    }

    private static func part(_ headers: String) -> Part {
        var part = Part()
        for line in headers.split(separator: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            switch pair[0].lowercased() {
            case "content-type": part.contentType = pair[1]
            case "content-disposition":
                if let range = pair[1].range(of: #"filename="[^"]*""#, options: .regularExpression) {
                    part.filename = String(pair[1][range].dropFirst(10).dropLast())
                }
            default: break
            }
        }
        return part
    }
}
