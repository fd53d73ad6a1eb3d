import Foundation
import IntakeCore

/// How a prepared page relates to the original scan: quarter turns, then a deskew about the
/// centre, then a scale. Maps OCR boxes back so evidence points at the page the user sent.
public struct PageTransform: Sendable, Equatable {
    public var originalWidth: Int
    public var originalHeight: Int
    /// Clockwise quarter turns applied first.
    public var quarterTurns = 0
    public var deskewRadians = 0.0
    public var scale = 1.0

    public init(originalWidth: Int, originalHeight: Int) {
        self.originalWidth = originalWidth
        self.originalHeight = originalHeight
    }

    /// A box on the prepared image as a box on the original page `page` (1-based).
    public func originalBox(_ box: PixelBox, page: Int) -> ImageBox {
        let corners = [(box.x, box.y), (box.x + box.width, box.y), (box.x, box.y + box.height), (box.x + box.width, box.y + box.height)]
            .map { original(x: Double($0.0), y: Double($0.1)) }
        let xs = corners.map(\.x), ys = corners.map(\.y)
        let x = max(0, Int(xs.min()!.rounded())), y = max(0, Int(ys.min()!.rounded()))
        return ImageBox(page: page, x: x, y: y, width: Int(xs.max()!.rounded()) - x, height: Int(ys.max()!.rounded()) - y)
    }

    private func original(x: Double, y: Double) -> (x: Double, y: Double) {
        // Undo the scale.
        var (x, y) = (x / scale, y / scale)
        // Undo the deskew: the turned image keeps its size and rotates about its centre.
        let turnedWidth = Double(quarterTurns % 2 == 0 ? originalWidth : originalHeight)
        let turnedHeight = Double(quarterTurns % 2 == 0 ? originalHeight : originalWidth)
        if deskewRadians != 0 {
            let (cx, cy) = (turnedWidth / 2, turnedHeight / 2)
            let (c, s) = (cos(-deskewRadians), sin(-deskewRadians))
            (x, y) = (cx + (x - cx) * c - (y - cy) * s, cy + (x - cx) * s + (y - cy) * c)
        }
        // Undo the quarter turns (clockwise): each inverse step maps (x, y) on a W×H image to
        // (y, W - x) on the H×W image before it.
        var (width, height) = (turnedWidth, turnedHeight)
        for _ in 0..<(quarterTurns % 4) {
            (x, y) = (y, width - x)
            (width, height) = (height, width)
        }
        return (x, y)
    }
}

/// A rectangle in pixels of an image intake made (prepared for OCR).
public struct PixelBox: Sendable, Equatable, Codable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
    public var right: Int { x + width }
    public var bottom: Int { y + height }
    public var centerX: Int { x + width / 2 }
    public var centerY: Int { y + height / 2 }

    public func union(_ other: PixelBox) -> PixelBox {
        let left = min(x, other.x), top = min(y, other.y)
        return PixelBox(x: left, y: top, width: max(right, other.right) - left, height: max(bottom, other.bottom) - top)
    }
}
