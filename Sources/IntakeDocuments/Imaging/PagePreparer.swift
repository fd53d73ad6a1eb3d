import CLeptonica
import Foundation

/// A page image → the binary image Tesseract reads best, and what was done to it and why.
///
/// Each step runs only when a measurement of the page asks for it, so a clean 300-dpi scan
/// costs one binarisation and one skew search:
/// - gray conversion (always; colour carries nothing OCR needs);
/// - inversion when most of the page is dark (light text on a dark ground);
/// - median denoise when more than `noiseShare` of the connected components are specks;
/// - 2× upscaling when the median character is shorter than `minimumCharacterHeight` px;
/// - deskew when the skew search finds a confident angle above `minimumSkew` degrees;
/// - adaptive (tiled Otsu) binarisation, robust to uneven lighting;
/// - ruling-line removal when the page has long horizontal or vertical rules (table borders
///   confuse Tesseract's line finder and read as `|` or `_`).
public struct PagePreparer: Sendable {
    public struct Settings: Sendable, Equatable {
        public var noiseShare = 0.35
        /// Median height of letter-sized components (lowercase letters dominate: ~19 px for
        /// 10-point text at 300 dpi, ~10 px at 150 dpi) below which a page is upscaled.
        public var minimumCharacterHeight = 13
        public var minimumSkew = 0.15
        public var minimumSkewConfidence = 2.0
        /// Share of dark pixels below which a page counts as blank.
        public var blankInk = 0.0004
        /// Share of dark pixels above which a page is light text on a dark ground and is inverted.
        public var negativeInk = 0.5
        public var removeRules = true
        public init() {}
    }

    public var settings: Settings

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// What a page measured and which steps it got.
    public struct Report: Sendable, Equatable, Codable {
        public var inkShare: Double
        public var noiseShare: Double
        public var characterHeight: Int
        public var skewDegrees: Double
        public var steps: [String]

        /// A page read as it came (no measurement, no steps).
        public static let unprepared = Report(inkShare: 0, noiseShare: 0, characterHeight: 0, skewDegrees: 0, steps: [])
    }

    /// A page ready for OCR, with the way back to the original's coordinates.
    public struct PreparedPage: Sendable {
        public var image: PageImage
        public var transform: PageTransform
        public var report: Report
        public var isBlank: Bool
    }

    public func prepare(_ page: PageImage, quarterTurns: Int = 0) throws -> PreparedPage {
        var steps: [String] = []
        var transform = PageTransform(originalWidth: page.width, originalHeight: page.height)
        guard var gray = page.derived({ pixConvertTo8($0, 0) }) else { throw DocumentError.unreadableImage("cannot convert the page to gray") }
        if quarterTurns % 4 != 0 {
            guard let turned = gray.derived({ pixRotateOrth($0, Int32(quarterTurns % 4)) }) else { throw DocumentError.unreadableImage("rotation failed") }
            gray = turned
            transform.quarterTurns = quarterTurns % 4
            steps.append("rotate \(quarterTurns % 4 * 90)°")
        }
        var binary = try binarize(gray)
        var inkShare = Double(binary.countOn()) / Double(max(1, binary.width * binary.height))
        if inkShare > settings.negativeInk, let inverted = gray.derived({ pixInvert(nil, $0) }) {
            // Light text on a dark ground (a negative, a screenshot of a dark theme): Tesseract
            // reads dark text on light, and found 3 of 6 lines on such a page.
            gray = inverted
            binary = try binarize(gray)
            inkShare = Double(binary.countOn()) / Double(max(1, binary.width * binary.height))
            steps.append("invert (light text on dark)")
        }
        let components = Components(binary)
        let report = { (skew: Double) in
            Report(inkShare: inkShare, noiseShare: components.speckShare, characterHeight: components.medianCharacterHeight, skewDegrees: skew, steps: steps)
        }
        if components.textLike == 0 || Double(components.textLikeArea) / Double(max(1, binary.width * binary.height)) < settings.blankInk {
            return PreparedPage(image: binary, transform: transform, report: report(0), isBlank: true)
        }

        if components.speckShare > settings.noiseShare {
            if let smoothed = gray.derived({ pixMedianFilter($0, 3, 3) }) {
                gray = smoothed
                steps.append("median denoise 3×3")
            }
        }
        if components.medianCharacterHeight > 0, components.medianCharacterHeight < settings.minimumCharacterHeight {
            if let larger = gray.derived({ pixScaleGrayLI($0, 2, 2) }) {
                gray = larger
                transform.scale = 2
                steps.append("upscale 2× (characters \(components.medianCharacterHeight) px)")
            }
        }
        if !steps.isEmpty { binary = try binarize(gray) }

        var angle: Float = 0
        var confidence: Float = 0
        pixFindSkew(binary.pix, &angle, &confidence)
        var skew = 0.0
        if Double(confidence) >= settings.minimumSkewConfidence, abs(Double(angle)) >= settings.minimumSkew {
            skew = Double(angle)
            let radians = Float(skew * .pi / 180)
            if let straight = gray.derived({ pixRotate($0, radians, Int32(L_ROTATE_AREA_MAP), Int32(L_BRING_IN_WHITE), 0, 0) }) {
                gray = straight
                transform.deskewRadians = Double(radians)
                steps.append(String(format: "deskew %.2f°", skew))
                binary = try binarize(gray)
            }
        }
        if settings.removeRules, let cleaned = removeRules(binary, characterHeight: components.medianCharacterHeight * Int(transform.scale)) {
            binary = cleaned
            steps.append("remove ruling lines")
        }
        return PreparedPage(image: binary, transform: transform, report: report(skew), isBlank: false)
    }

    /// Tiled Otsu: each ~1 inch tile gets its own threshold, so shadows and uneven light do not
    /// swallow text.
    private func binarize(_ gray: PageImage) throws -> PageImage {
        var thresholded: UnsafeMutablePointer<PIX>? = nil
        let tile = Int32(max(64, min(gray.width, gray.height) / 8))
        guard pixOtsuAdaptiveThreshold(gray.pix, tile, tile, 0, 0, 0.1, nil, &thresholded) == 0, let image = PageImage(owning: thresholded) else {
            throw DocumentError.unreadableImage("binarisation failed")
        }
        return image
    }

    /// The page without its long rules, or nil when it has none.
    private func removeRules(_ binary: PageImage, characterHeight: Int) -> PageImage? {
        // A rule is far longer than any word is tall; 8 character heights rules out letters.
        // The composite (comb + brick) DWA opening gives the same rules as a plain brick of that
        // length; the plain one costs a raster operation per pixel of length, and was a tenth
        // of all reading time.
        let length = Int32(max(60, characterHeight * 8))
        guard let horizontal = binary.derived({ pixOpenCompBrickExtendDwa(nil, $0, length, 1) }),
            let vertical = binary.derived({ pixOpenCompBrickExtendDwa(nil, $0, 1, length) })
        else { return nil }
        let ruled = horizontal.countOn() + vertical.countOn()
        guard ruled > Int(length) * 2 else { return nil }
        guard let withoutHorizontal = binary.derived({ pixSubtract(nil, $0, horizontal.pix) }) else { return nil }
        return withoutHorizontal.derived { pixSubtract(nil, $0, vertical.pix) }
    }
}

extension PageImage {
    /// Number of foreground pixels of a binary image.
    func countOn() -> Int {
        var count: Int32 = 0
        pixCountPixels(pix, &count, nil)
        return Int(count)
    }
}

/// Connected components of a binary page, summarised: how many are specks (noise), how tall a
/// typical character is.
struct Components {
    var speckShare = 0.0
    var medianCharacterHeight = 0
    var textLike = 0
    var textLikeArea = 0

    init(_ binary: PageImage) {
        guard let found = pixConnCompBB(binary.pix, 8) else { return }
        var boxes: UnsafeMutablePointer<BOXA>? = found
        defer { boxaDestroy(&boxes) }
        let count = Int(boxaGetCount(boxes))
        guard count > 0 else { return }
        var heights: [Int] = []
        var specks = 0
        for index in 0..<Int32(count) {
            var x: Int32 = 0, y: Int32 = 0, w: Int32 = 0, h: Int32 = 0
            boxaGetBoxGeometry(boxes, index, &x, &y, &w, &h)
            if w <= 3 && h <= 3 {
                specks += 1
            } else if h >= 5, h <= 300, w <= 300 {
                heights.append(Int(h))
                textLikeArea += Int(w) * Int(h)
            }
        }
        speckShare = Double(specks) / Double(count)
        textLike = heights.count
        if !heights.isEmpty { medianCharacterHeight = heights.sorted()[heights.count / 2] }
    }
}
