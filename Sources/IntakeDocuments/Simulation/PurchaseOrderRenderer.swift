import Foundation
import IntakeCore

/// Prints a `PurchaseOrderSpec` as scanned pages with ImageMagick (Debian `imagemagick`):
/// a 300-dpi Letter page per 16 items, in the spec's layout and a chosen font, then optionally
/// degraded like a real scan (rotation, speckle noise, blur, lower resolution, JPEG).
/// Multi-page orders become a TIFF, or a PDF through libtiff's `tiff2pdf`.
public struct PurchaseOrderRenderer: Sendable {
    public struct Degradation: Sendable, Equatable, Codable {
        public var rotationDegrees = 0.0
        /// Clockwise quarter turns (a page fed sideways or upside down).
        public var quarterTurns = 0
        /// ImageMagick impulse-noise attenuation (0: none; 0.3 is a dirty scanner glass).
        public var noise = 0.0
        public var blurSigma = 0.0
        /// Final resolution (300: as rendered; 150–200 are cheap scanner settings).
        public var resolution = 300
        /// JPEG quality, or nil for lossless PNG.
        public var jpegQuality: Int? = nil
        public init() {}

        public var isClean: Bool { self == Degradation() }
    }

    public enum Container: String, Sendable { case png, tiff, pdf }

    public static let fonts = ["DejaVu-Sans", "Liberation-Serif", "Liberation-Sans", "DejaVu-Serif"]
    public static let chineseFont = "WenQuanYi-Zen-Hei"
    public static let itemsPerPage = 16

    public var convert = "/usr/bin/convert"
    public var tiff2pdf = "/usr/bin/tiff2pdf"

    public init() {}

    /// One file holding every page: PNG or JPEG for a single page, else TIFF or PDF.
    public func render(_ spec: PurchaseOrderSpec, font: String, degradation: Degradation = .init(), container: Container = .png) throws -> Data {
        let pages = try pageImages(spec, font: font, degradation: degradation)
        if pages.count == 1, container == .png { return pages[0] }
        return try bundle(pages, jpeg: degradation.jpegQuality != nil, as: container)
    }

    /// Several orders scanned one after another into one PDF, as a clerk feeds a stack.
    public func renderStack(_ specs: [PurchaseOrderSpec], font: String, degradation: Degradation = .init()) throws -> Data {
        try bundle(specs.flatMap { try pageImages($0, font: font, degradation: degradation) }, jpeg: degradation.jpegQuality != nil, as: .pdf)
    }

    /// Page images in one TIFF, or a PDF made from it.
    private func bundle(_ pages: [Data], jpeg: Bool, as container: Container) throws -> Data {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("intake-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var inputs: [String] = []
        for (index, page) in pages.enumerated() {
            let file = folder.appendingPathComponent("page\(index).\(jpeg ? "jpg" : "png")")
            try page.write(to: file)
            inputs.append(file.path)
        }
        let tiff = folder.appendingPathComponent("order.tif")
        try run(convert, inputs + ["-compress", "lzw", tiff.path])
        if container == .pdf {
            let pdf = folder.appendingPathComponent("order.pdf")
            try run(tiff2pdf, ["-z", "-o", pdf.path, tiff.path])  // -z: Deflate, not raw pixels
            return try Data(contentsOf: pdf)
        }
        return try Data(contentsOf: tiff)
    }

    /// Each page as PNG (or JPEG) bytes.
    public func pageImages(_ spec: PurchaseOrderSpec, font: String, degradation: Degradation = .init()) throws -> [Data] {
        let chunks = stride(from: 0, to: max(1, spec.items.count), by: Self.itemsPerPage).map {
            Array(spec.items[$0..<min(spec.items.count, $0 + Self.itemsPerPage)])
        }
        return try chunks.enumerated().map { index, items in
            let drawing = PageDrawing(spec: spec, font: spec.layout == .chinese ? Self.chineseFont : font)
            let mvg = drawing.page(items: items, number: index + 1, of: chunks.count)
            // Sizes are pixels of a 300-dpi page; the resolution is stamped at the end.
            var arguments = ["-size", "2550x3300", "xc:white", "-draw", mvg, "-colorspace", "Gray"]
            if degradation.rotationDegrees != 0 {
                arguments += ["-background", "white", "-rotate", String(degradation.rotationDegrees), "-gravity", "center", "-extent", "2550x3300", "+repage"]
            }
            if degradation.blurSigma > 0 { arguments += ["-blur", "0x\(degradation.blurSigma)"] }
            // A fixed seed: the same order degrades the same way every time.
            if degradation.noise > 0 { arguments += ["-seed", "7", "-attenuate", String(degradation.noise), "+noise", "Impulse"] }
            if degradation.quarterTurns % 4 != 0 { arguments += ["-rotate", String(degradation.quarterTurns % 4 * 90)] }
            if degradation.resolution != 300 {
                arguments += ["-resize", "\(degradation.resolution * 100 / 300)%"]
            }
            arguments += ["-depth", "8", "-units", "PixelsPerInch", "-density", String(degradation.resolution)]
            if let quality = degradation.jpegQuality { arguments += ["-quality", String(quality), "jpg:-"] } else { arguments += ["png:-"] }
            return try run(convert, arguments)
        }
    }

    /// A white 300-dpi Letter page, as a scanner makes of an empty sheet.
    public func blankPage() throws -> Data {
        try run(convert, ["-size", "2550x3300", "xc:white", "-colorspace", "Gray", "-depth", "8", "-units", "PixelsPerInch", "-density", "300", "png:-"])
    }

    @discardableResult
    private func run(_ executable: String, _ arguments: [String]) throws -> Data {
        guard let result = try ExternalCommand.run(executable, arguments) else {
            throw RenderFailure(message: "\(executable) is missing; install imagemagick and libtiff-tools")
        }
        guard result.status == 0 else { throw RenderFailure(message: "\(executable) failed: \(result.errors.prefix(300))") }
        return result.output
    }
}

/// Why a page could not be printed (a missing tool, mostly).
public struct RenderFailure: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The ImageMagick drawing (MVG) of one page of a purchase order.
struct PageDrawing {
    let spec: PurchaseOrderSpec
    let font: String

    private var labels: [String: String] {
        switch spec.layout {
        case .ruled:
            ["title": "PURCHASE ORDER", "number": "PO Number:", "date": "Date:", "supplier": "Supplier:", "ship": "Ship To:", "currency": "Currency:",
             "code": "Item", "description": "Description", "quantity": "Qty", "unit": "Unit", "price": "Unit Price", "amount": "Amount",
             "subtotal": "Subtotal", "total": "Total"]
        case .plain:
            ["title": "Purchase Order", "number": "Order No:", "date": "Order Date:", "supplier": "Vendor:", "ship": "Deliver To:", "currency": "Currency:",
             "code": "Item Code", "description": "Description", "quantity": "Quantity", "unit": "UoM", "price": "Price", "amount": "Line Total",
             "subtotal": "Subtotal", "total": "Grand Total"]
        case .nordic:
            ["title": "ORDER", "number": "Order Ref:", "date": "Date:", "supplier": "Supplier:", "ship": "Deliver To:", "currency": "Currency:",
             "code": "Art. No", "description": "Description", "quantity": "Qty ordered", "unit": "Unit", "price": "Price/Unit", "amount": "Amount",
             "subtotal": "Subtotal", "total": "Total"]
        case .chinese:
            ["title": "采购订单", "number": "订单号:", "date": "日期:", "supplier": "供应商:", "ship": "收货地址:", "currency": "币种:",
             "code": "物料编码", "description": "品名", "quantity": "数量", "unit": "单位", "price": "单价", "amount": "金额",
             "subtotal": "小计", "total": "合计"]
        }
    }

    func printedDate() -> String {
        let parts = spec.orderDate.split(separator: "-").map(String.init)
        let (year, month, day) = (parts[0], parts[1], parts[2])
        switch spec.layout {
        case .ruled: return "\(day)/\(month)/\(year)"
        case .plain: return spec.orderDate
        case .nordic: return "\(day).\(month).\(year)"
        case .chinese: return "\(year)年\(month)月\(day)日"
        }
    }

    func money(_ value: Double) -> String {
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.minimumFractionDigits = 2
        formatter.maximumFractionDigits = 2
        formatter.usesGroupingSeparator = true
        formatter.groupingSeparator = spec.layout == .nordic ? "." : ","
        formatter.decimalSeparator = spec.layout == .nordic ? "," : "."
        formatter.groupingSize = 3
        return formatter.string(from: NSNumber(value: value)) ?? String(value)
    }

    func page(items: [PurchaseOrderSpec.Item], number: Int, of count: Int) -> String {
        let l = labels
        var mvg = ["fill black", "font '\(font)'", "font-size 34"]
        func text(_ x: Int, _ y: Int, _ value: String, anchor: String = "start", size: Int = 34) {
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            mvg += ["text-anchor \(anchor)", "font-size \(size)", "text \(x),\(y) '\(escaped)'"]
        }
        func rule(_ x1: Int, _ y1: Int, _ x2: Int, _ y2: Int) {
            mvg += ["stroke black", "stroke-width 3", "line \(x1),\(y1) \(x2),\(y2)", "stroke none"]
        }
        let columns = (code: 160, description: 480, quantity: 1500, unit: 1560, price: 2010, amount: 2390)
        var y = 220
        if number == 1 {
            text(160, y, spec.supplier, size: 44)
            text(2390, y, l["title"]!, anchor: "end", size: 52)
            y += 60
            text(160, y, "Customer service: +44 20 7946 0000")
            y += 110
            let header = [
                (l["number"]!, spec.poNumber), (l["date"]!, printedDate()), (l["currency"]!, spec.currency),
            ]
            for (index, (label, value)) in header.enumerated() {
                text(1500, y + index * 56, "\(label) \(value)")
            }
            text(160, y, "\(l["supplier"]!) \(spec.supplier)")
            text(160, y + 56, "\(l["ship"]!) \(spec.shipTo)")
            y += 56 * 3 + 80
        } else {
            text(160, y, "\(spec.poNumber)  (page \(number) of \(count))")
            y += 100
        }
        let headerY = y
        text(columns.code + 10, y, l["code"]!)
        text(columns.description, y, l["description"]!)
        text(columns.quantity, y, l["quantity"]!, anchor: "end")
        text(columns.unit, y, l["unit"]!)
        text(columns.price, y, l["price"]!, anchor: "end")
        text(columns.amount, y, l["amount"]!, anchor: "end")
        let ruled = spec.layout == .ruled || spec.layout == .chinese
        if ruled { rule(150, headerY - 50, 2410, headerY - 50) }
        rule(150, headerY + 18, 2410, headerY + 18)
        y += 78
        for item in items {
            text(columns.code + 10, y, item.code)
            text(columns.description, y, item.description)
            text(columns.quantity, y, String(item.quantity), anchor: "end")
            text(columns.unit, y, item.unit)
            text(columns.price, y, money(item.unitPrice), anchor: "end")
            text(columns.amount, y, money(item.amount), anchor: "end")
            if ruled { rule(150, y + 22, 2410, y + 22) }
            y += 66
        }
        if ruled {
            for x in [150, 460, 1370, 1530, 1780, 2150, 2410] {
                rule(x, headerY - 50, x, y - 44)
            }
        }
        if number == count {
            y += 40
            text(columns.price, y, l["subtotal"]!, anchor: "end")
            text(columns.amount, y, money(spec.total), anchor: "end")
            y += 60
            text(columns.price, y, l["total"]!, anchor: "end")
            text(columns.amount, y, "\(money(spec.total))", anchor: "end")
            y += 140
            text(160, y, spec.layout == .chinese ? "请在交货单上注明订单号。" : "Please quote the order number on all delivery notes.")
        }
        return mvg.joined(separator: "\n")
    }
}
