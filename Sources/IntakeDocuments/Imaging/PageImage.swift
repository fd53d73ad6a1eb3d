import CLeptonica
import Foundation

/// One page as a Leptonica `PIX`, owned and freed by this instance.
///
/// Immutable once made: every operation returns a new `PageImage`, so a page can be handed
/// from stage to stage and read from any thread (Leptonica only reads the source pix).
public final class PageImage: @unchecked Sendable {
    // @unchecked: `pix` is never mutated after init and is freed only in deinit.
    let pix: UnsafeMutablePointer<PIX>

    /// Takes ownership of `pix`; nil when a Leptonica call returned nothing.
    init?(owning pix: UnsafeMutablePointer<PIX>?) {
        guard let pix else { return nil }
        self.pix = pix
    }

    deinit {
        var pointer: UnsafeMutablePointer<PIX>? = pix
        pixDestroy(&pointer)
    }

    public var width: Int { Int(pixGetWidth(pix)) }
    public var height: Int { Int(pixGetHeight(pix)) }
    /// Bits per pixel: 1 (binary), 8 (gray), 32 (colour).
    public var depth: Int { Int(pixGetDepth(pix)) }
    /// Dots per inch recorded in the file, when it says.
    public var resolution: Int? {
        let x = Int(pixGetXRes(pix))
        return x > 0 ? x : nil
    }

    /// Leptonica prints its own errors to stderr ("Error in pixReadMemPng: …"); intake reports
    /// each failure with a reason instead, so they are off unless `LEPT_MSG_SEVERITY` asks for them.
    private static let leptonicaMessages: Void = {
        if getenv("LEPT_MSG_SEVERITY") == nil { setMsgSeverity(Int32(L_SEVERITY_NONE)) }
    }()

    /// Decodes PNG, JPEG, TIFF (first page), PNM, BMP, GIF or WebP bytes.
    public static func decode(_ bytes: Data) -> PageImage? {
        leptonicaMessages
        return bytes.withUnsafeBytes { raw in
            PageImage(owning: pixReadMem(raw.bindMemory(to: l_uint8.self).baseAddress, raw.count))
        }
    }

    /// Every page of a (multi-page) TIFF.
    static func decodeTIFFPages(_ bytes: Data) -> [PageImage] {
        leptonicaMessages
        return bytes.withUnsafeBytes { raw -> [PageImage] in
            guard var pixa: UnsafeMutablePointer<PIXA>? = pixaReadMemMultipageTiff(raw.bindMemory(to: l_uint8.self).baseAddress, raw.count) else { return [] }
            defer { pixaDestroy(&pixa) }
            return (0..<pixaGetCount(pixa)).compactMap { PageImage(owning: pixaGetPix(pixa, $0, Int32(L_COPY))) }
        }
    }

    /// Width and height from the file's header, without decoding a pixel (so a 40,000-pixel
    /// square PNG of 1.5 MB can be refused before it takes gigabytes); nil when unreadable.
    static func headerSize(_ bytes: Data) -> (width: Int, height: Int)? {
        leptonicaMessages
        return bytes.withUnsafeBytes { raw in
            var width: Int32 = 0, height: Int32 = 0
            guard pixReadHeaderMem(raw.bindMemory(to: l_uint8.self).baseAddress, raw.count, nil, &width, &height, nil, nil, nil) == 0
            else { return nil }
            return (Int(width), Int(height))
        }
    }

    /// Width and height of each of a TIFF's first `count` pages, from their headers.
    static func tiffPageSizes(_ bytes: Data, upTo count: Int) -> [(width: Int, height: Int)] {
        leptonicaMessages
        return bytes.withUnsafeBytes { raw in
            let data = raw.bindMemory(to: l_uint8.self).baseAddress
            var sizes: [(width: Int, height: Int)] = []
            var width: Int32 = 0, height: Int32 = 0, bits: Int32 = 0, samples: Int32 = 0
            var resolution: Int32 = 0, colormap: Int32 = 0, format: Int32 = 0
            // Each call opens the TIFF and steps to page n: fine for the few hundred pages allowed.
            while sizes.count < count,
                readHeaderMemTiff(data, raw.count, Int32(sizes.count), &width, &height, &bits, &samples, &resolution, &colormap, &format) == 0
            {
                sizes.append((Int(width), Int(height)))
            }
            return sizes
        }
    }

    /// The page as PNG bytes (for the review page and for debugging).
    public func pngData() -> Data? {
        var bytes: UnsafeMutablePointer<l_uint8>? = nil
        var size = 0
        guard pixWriteMemPng(&bytes, &size, pix, 0) == 0, let bytes else { return nil }
        defer { free(bytes) }
        return Data(bytes: bytes, count: size)
    }

    /// A new image made from this one by a Leptonica call that does not take ownership.
    func derived(_ make: (UnsafeMutablePointer<PIX>) -> UnsafeMutablePointer<PIX>?) -> PageImage? {
        PageImage(owning: make(pix))
    }
}
