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

    /// Every page of `pdf`; more than `limit` pages is an error (found by rasterising one past it),
    /// and so is a page that would be more than `maximumMegapixels` at `resolution` (found from
    /// the page sizes `pdfinfo` reads, before anything is rendered).
    public func pages(of pdf: Data, limit: Int, maximumMegapixels: Int) throws -> [PageImage] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("intake-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("input.pdf")
        try pdf.write(to: input)

        // pdftoppm itself renders a page it cannot allocate as 1×1 pixels and exits 0, and
        // renders a merely huge one whole: a 200-inch page is 60,000 pixels square at 300 dpi.
        for (index, size) in try pageSizes(of: input, pages: limit + 1).enumerated() {
            let width = Int((size.width / 72 * Double(resolution)).rounded(.up))
            let height = Int((size.height / 72 * Double(resolution)).rounded(.up))
            if width * height > maximumMegapixels * 1_000_000 {
                throw DocumentError.pageTooLarge(page: index + 1, width: width, height: height, limitMegapixels: maximumMegapixels)
            }
        }

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

    /// Each page's size in points (1/72 inch), from poppler's `pdfinfo` beside `executable`.
    private func pageSizes(of pdf: URL, pages: Int) throws -> [(width: Double, height: Double)] {
        let pdfinfo = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("pdfinfo").path
        guard let result = try ExternalCommand.run(pdfinfo, ["-f", "1", "-l", String(pages), pdf.path]) else {
            throw DocumentError.rasterizerFailed("\(pdfinfo) is missing")
        }
        guard result.status == 0 else {
            throw DocumentError.unreadableImage("not a readable PDF (\(result.errors.isEmpty ? "pdfinfo exit \(result.status)" : result.errors))")
        }
        // "Page    1 size: 612 x 792 pts (letter)"
        return String(decoding: result.output, as: UTF8.self).split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard words.count >= 6, words[0] == "Page", words[2] == "size:", words[4] == "x",
                let width = Double(words[3]), let height = Double(words[5])
            else { return nil }
            return (width, height)
        }
    }

    private func pageNumber(_ name: String) -> Int {
        Int(name.dropFirst("page-".count).dropLast(".pgm".count)) ?? 0
    }
}
