import ArgumentParser
import Foundation
import IntakeAlignment
import IntakeCore
import IntakeDocuments

/// `intake-bench document-samples`: writes the sample purchase orders of `samples/documents`
/// and their printed truth, so the samples can be made again after the master data changes.
struct DocumentSamples: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "document-samples",
        abstract: "Print the sample purchase orders (PNG, JPEG, TIFF, PDF, a stack of three POs in one PDF; English and Chinese), two bad scans, and the printed truth.",
        discussion: """
            Examples:
              swift run intake-bench document-samples --out samples/documents
            """)

    @Option(help: ArgumentHelp("Folder to write into.", valueName: "dir")) var out = "samples/documents"
    @Option(help: ArgumentHelp("Where the printed truth goes (outside --out, which is an input folder).", valueName: "json"))
    var expected = "samples/expected-documents.json"
    @Option(help: "Material master CSV.") var materials = "samples/master/materials.csv"

    func run() throws {
        let master = try MaterialMaster.load(URL(fileURLWithPath: materials))
        let folder = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let renderer = PurchaseOrderRenderer()
        var random = SeededRandom(seed: 424242)
        // Every file's orders, in the order they are printed.
        var truth: [String: [PurchaseOrderSpec]] = [:]
        func degraded(_ change: (inout PurchaseOrderRenderer.Degradation) -> Void) -> PurchaseOrderRenderer.Degradation {
            var degradation = PurchaseOrderRenderer.Degradation()
            change(&degradation)
            return degradation
        }
        let samples: [(String, PurchaseOrderSpec.Layout, Int, String, PurchaseOrderRenderer.Degradation, PurchaseOrderRenderer.Container)] = [
            ("acme-ruled.png", .ruled, 6, "DejaVu-Sans", .init(), .png),
            ("riverside-plain-skewed.jpg", .plain, 5, "Liberation-Serif", degraded { $0.rotationDegrees = 2; $0.jpegQuality = 50 }, .png),
            ("nordic-bearings.png", .nordic, 4, "Liberation-Sans", .init(), .png),
            ("huadong-chinese.png", .chinese, 5, "DejaVu-Sans", .init(), .png),
            ("summit-two-pages.tif", .plain, 20, "DejaVu-Serif", .init(), .tiff),
            ("bluebird-scan.pdf", .ruled, 7, "Liberation-Sans", .init(), .pdf),
            ("kiosk-noisy-150dpi.png", .plain, 4, "DejaVu-Sans", degraded { $0.noise = 0.3; $0.resolution = 150 }, .png),
            ("harbour-sideways.png", .ruled, 3, "DejaVu-Sans", degraded { $0.quarterTurns = 1 }, .png),
        ]
        for (name, layout, items, font, degradation, container) in samples {
            let spec = PurchaseOrderSpec.random(master: master, layout: layout, itemCount: items, random: &random)
            let bytes = try renderer.render(spec, font: font, degradation: degradation, container: container)
            try bytes.write(to: folder.appendingPathComponent(name))
            truth[name] = [spec]
            print("\(name): \(spec.items.count) lines, \(bytes.count / 1024) KB")
        }
        // Two bad scans: what a reviewer finds in the dead letters.
        let first = try renderer.render(PurchaseOrderSpec.random(master: master, layout: .plain, itemCount: 2, random: &random), font: "DejaVu-Sans")
        try first.prefix(first.count / 3).write(to: folder.appendingPathComponent("bad-truncated.png"))
        try renderer.blankPage().write(to: folder.appendingPathComponent("bad-blank-page.png"))
        // A clerk's stack: three POs from three suppliers in one PDF, one order each.
        let stack = [PurchaseOrderSpec.Layout.plain, .nordic, .ruled].map { layout in
            PurchaseOrderSpec.random(master: master, layout: layout, itemCount: 3, random: &random)
        }
        let stackBytes = try renderer.renderStack(stack, font: "DejaVu-Sans")
        try stackBytes.write(to: folder.appendingPathComponent("stack-three-pos.pdf"))
        truth["stack-three-pos.pdf"] = stack
        print("stack-three-pos.pdf: \(stack.count) orders, \(stackBytes.count / 1024) KB")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(truth).write(to: URL(fileURLWithPath: expected))
    }
}
