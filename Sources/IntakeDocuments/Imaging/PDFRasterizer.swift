import Foundation
import IntakeCore

/// Turns a scanned PDF into page images with poppler's `pdftoppm` (Debian `poppler-utils`),
/// one 8-bit gray PGM per page at `resolution` dpi, in a private temporary folder (PGM, not
/// PNG: compressing each page only for Leptonica to inflate it again took 60% of the time,
/// 1.09 s against 0.40 s for a two-page scan).
public struct PDFRasterizer: Sendable {
    public var resolution: Int
    public var executable: String

    public init(resolution: Int = 300, executable: String = "/usr/bin/pdftoppm") {
        self.resolution = resolution
        self.executable = executable
    }

    /// Every page of `pdf`; more than `limit` pages is an error (found by rasterising one past it).
    public func pages(of pdf: Data, limit: Int) throws -> [PageImage] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("intake-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("input.pdf")
        try pdf.write(to: input)

        // One page past the limit tells "too many" from "exactly the limit" without rendering all.
        let arguments = ["-r", String(resolution), "-gray", "-l", String(limit + 1), input.path, folder.appendingPathComponent("page").path]
        guard let result = try ExternalCommand.run(executable, arguments) else {
            throw DocumentError.rasterizerFailed("\(executable) is missing")
        }
        guard result.status == 0 else {
            throw DocumentError.unreadableImage("not a readable PDF (\(result.errors.isEmpty ? "pdftoppm exit \(result.status)" : result.errors))")
        }
        // pdftoppm numbers pages page-1.pgm or page-01.pgm depending on the count: sort by number.
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".pgm") }
        let ordered = files.sorted { pageNumber($0) < pageNumber($1) }
        if ordered.count > limit { throw DocumentError.tooManyPages(ordered.count, limit: limit) }
        return try ordered.map { name in
            let file = folder.appendingPathComponent(name)
            guard let page = PageImage.decode(try Data(contentsOf: file)) else {
                throw DocumentError.unreadableImage("page \(pageNumber(name)) of the PDF did not rasterise")
            }
            // Uncompressed pages are 8 MB each at 300 dpi: do not keep two copies of a long scan.
            try? FileManager.default.removeItem(at: file)
            return page
        }
    }

    private func pageNumber(_ name: String) -> Int {
        Int(name.dropFirst("page-".count).dropLast(".pgm".count)) ?? 0
    }
}
