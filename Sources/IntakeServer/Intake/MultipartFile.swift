import Foundation

/// The first file of a `multipart/form-data` body that is already on disk.
///
/// The body is memory-mapped, not read, so a large upload is never held in memory; the part's
/// bytes are copied to `destination`.
enum MultipartFile {
    struct Part {
        var filename: String?
        var contentType: String?
    }

    /// The boundary of a `multipart/form-data; boundary=…` content type, or nil.
    static func boundary(of contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    /// Copies the first part that has a filename (else the first part) of `body` to `destination`.
    static func extract(from body: URL, boundary: String, to destination: URL) throws -> Part {
        let data = try Data(contentsOf: body, options: .alwaysMapped)
        let delimiter = Data("--\(boundary)".utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        var parts: [(part: Part, range: Range<Data.Index>)] = []
        var cursor = data.startIndex
        while let start = data.range(of: delimiter, in: cursor..<data.endIndex) {
            let afterDelimiter = start.upperBound
            if data[afterDelimiter...].starts(with: Data("--".utf8)) { break }
            guard let headersEnd = data.range(of: headerEnd, in: afterDelimiter..<data.endIndex),
                  let next = data.range(of: Data("\r\n--\(boundary)".utf8), in: headersEnd.upperBound..<data.endIndex)
            else { break }
            let headers = String(decoding: data[afterDelimiter..<headersEnd.lowerBound], as: UTF8.self)
            parts.append((Self.part(headers), headersEnd.upperBound..<next.lowerBound))
            cursor = next.lowerBound + 2
        }
        guard let chosen = parts.first(where: { $0.part.filename != nil }) ?? parts.first else {
            throw APIError.badRequest("the multipart body has no parts; send the file as a form field (curl -F file=@report.wav)")
        }
        try data[chosen.range].write(to: destination)
        return chosen.part
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
