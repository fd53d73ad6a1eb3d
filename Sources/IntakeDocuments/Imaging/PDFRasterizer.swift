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

    /// Every page of `pdf`; more than `limit` pages is an error, and so is a page that would be
    /// more than `maximumMegapixels` at `resolution`, both found by `pdfinfo` before anything is
    /// rendered.
    public func pages(of pdf: Data, limit: Int, maximumMegapixels: Int) throws -> [PageImage] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("intake-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("input.pdf")
        try pdf.write(to: input)

        // Checked before rendering: pdftoppm renders every page before a count could refuse
        // them, a page it cannot allocate as 1×1 pixels (exiting 0), and a merely huge one
        // whole (a 200-inch page is 60,000 pixels square at 300 dpi).
        let info = try pageSizes(of: input, pages: limit)
        if info.pages > limit { throw DocumentError.tooManyPages(count: info.pages, limit: limit) }
        let sizes = info.sizes.map { (width: pixels($0.width), height: pixels($0.height)) }
        if let error = DocumentError.firstPageTooLarge(sizes, limitMegapixels: maximumMegapixels) { throw error }

        let arguments = ["-r", String(resolution), "-gray", "-l", String(limit), input.path, folder.appendingPathComponent("page").path]
        guard let result = try ExternalCommand.run(executable, arguments) else {
            throw DocumentError.rasterizerFailed("\(executable) is missing")
        }
        guard result.status == 0 else {
            throw DocumentError.unreadableImage("not a readable PDF (\(Self.reason(result, "pdftoppm")))")
        }
        // pdftoppm numbers pages page-1.pgm or page-01.pgm depending on the count: sort by number.
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".pgm") }
        let ordered = files.sorted { pageNumber($0) < pageNumber($1) }
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

    /// What `command` said on stderr, as one line of an error message: poppler repeats itself
    /// ("Syntax Error: Couldn't find trailer dictionary" three times for a truncated file).
    static func reason(_ result: ExternalCommand.Result, _ command: String) -> String {
        var seen = Set<String>()
        let lines = result.errors.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
        guard !lines.isEmpty else { return "\(command) exit \(result.status)" }
        let text = lines.joined(separator: "; ")
        return text.count > 300 ? text.prefix(300) + "…" : text
    }

    /// How many pages `pdf` has and the first `pages` pages' sizes in points (1/72 inch), from
    /// poppler's `pdfinfo` beside `executable`.
    private func pageSizes(of pdf: URL, pages: Int) throws -> (pages: Int, sizes: [(width: Double, height: Double)]) {
        let pdfinfo = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("pdfinfo").path
        guard let result = try ExternalCommand.run(pdfinfo, ["-f", "1", "-l", String(pages), pdf.path]) else {
            throw DocumentError.rasterizerFailed("\(pdfinfo) is missing")
        }
        guard result.status == 0 else {
            throw DocumentError.unreadableImage("not a readable PDF (\(Self.reason(result, "pdfinfo")))")
        }
        // "Pages:           3" and "Page    1 size:  612 x 792 pts (letter)"
        var count: Int?
        var sizes: [(width: Double, height: Double)] = []
        for line in String(decoding: result.output, as: UTF8.self).split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count == 2, words[0] == "Pages:" { count = Int(words[1]) }
            if words.count >= 6, words[0] == "Page", words[2] == "size:", words[4] == "x",
                let width = Double(words[3]), let height = Double(words[5])
            {
                sizes.append((width, height))
            }
        }
        guard let count else { throw DocumentError.unreadableImage("not a readable PDF (pdfinfo found no page count)") }
        return (count, sizes)
    }

    /// Points (1/72 inch) as pixels at `resolution`, rounded up as pdftoppm does.
    private func pixels(_ points: Double) -> Int {
        Int((points / 72 * Double(resolution)).rounded(.up))
    }

    private func pageNumber(_ name: String) -> Int {
        Int(name.dropFirst("page-".count).dropLast(".pgm".count)) ?? 0
    }
}
