import Foundation

/// Image and document containers told apart by their first bytes.
public enum ImageFormat: String, Sendable, CaseIterable {
    case png, jpeg, tiff, pnm, bmp, gif, webp, pdf

    /// The readable format of `bytes`, or nil.
    public static func of(_ bytes: Data) -> ImageFormat? {
        let head = Array(bytes.prefix(12))
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + magic.count && Array(head[offset..<offset + magic.count]) == magic
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts(Array("BM".utf8)), head.count >= 6 { return .bmp }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
        if head.count >= 3, head[0] == UInt8(ascii: "P"), (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(head[1]),
            [0x20, 0x0A, 0x0D, 0x09].contains(head[2])
        {
            return .pnm
        }
        return nil
    }

    /// Names of page formats intake recognises but does not read, so the error can say what it got.
    static func foreign(_ bytes: Data) -> String? {
        let head = Array(bytes.prefix(12))
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "a ZIP container (DOCX, XLSX or ODT)" }
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) { return "an old Office document (DOC or XLS)" }
        if head.count >= 12, Array(head[4..<8]) == Array("ftyp".utf8), ["heic", "heix", "mif1"].contains(String(decoding: head[8..<12], as: UTF8.self)) {
            return "HEIC"
        }
        if head.starts(with: Array("8BPS".utf8)) { return "a Photoshop file" }
        return nil
    }
}
