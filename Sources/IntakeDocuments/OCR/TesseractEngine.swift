import CLeptonica
import CTesseract
import Foundation

/// One Tesseract handle for one language set, owning and freeing it. Not thread-safe: one per
/// worker thread (`WorkerLocal`); one engine per worker gave the same text as a single engine.
///
/// Debian's libtesseract runs its LSTM through OpenMP, which was 3–5× slower per page under
/// load on 2 cores: programs call `OpenMPThreadLimit.applyByRestarting()` first, and
/// parallelism comes from running one engine per worker.
public final class TesseractEngine {
    private let handle: OpaquePointer
    public let languages: String

    /// Page segmentation: 4 (one column of text of variable sizes) read ruled PO tables best.
    public init(languages: String = "eng", dataPath: String? = nil, pageSegmentation: TessPageSegMode = PSM_SINGLE_COLUMN) throws {
        guard let handle = TessBaseAPICreate() else { throw DocumentError.ocrUnavailable("TessBaseAPICreate failed") }
        guard TessBaseAPIInit3(handle, dataPath, languages) == 0 else {
            TessBaseAPIDelete(handle)
            throw DocumentError.ocrUnavailable(
                "no traineddata for \(languages) in \(dataPath ?? "the default tessdata folder"); install tesseract-ocr-eng (and tesseract-ocr-chi-sim)")
        }
        TessBaseAPISetPageSegMode(handle, pageSegmentation)
        _ = TessBaseAPISetVariable(handle, "debug_file", "/dev/null")
        self.handle = handle
        self.languages = languages
    }

    deinit {
        TessBaseAPIEnd(handle)
        TessBaseAPIDelete(handle)
    }

    /// The words on `image` with their boxes and confidences, in Tesseract's reading order.
    public func read(_ image: PageImage, resolution: Int) -> [OCRPage.Word] {
        TessBaseAPISetImage2(handle, image.pix)
        TessBaseAPISetSourceResolution(handle, Int32(resolution))
        defer { TessBaseAPIClear(handle) }
        guard TessBaseAPIRecognize(handle, nil) == 0, let iterator = TessBaseAPIGetIterator(handle) else { return [] }
        defer { TessResultIteratorDelete(iterator) }
        let page = TessResultIteratorGetPageIterator(iterator)
        var words: [OCRPage.Word] = []
        repeat {
            guard let text = TessResultIteratorGetUTF8Text(iterator, RIL_WORD) else { continue }
            let word = String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
            TessDeleteText(text)
            var left: Int32 = 0, top: Int32 = 0, right: Int32 = 0, bottom: Int32 = 0
            guard !word.isEmpty, TessPageIteratorBoundingBox(page, RIL_WORD, &left, &top, &right, &bottom) != 0 else { continue }
            words.append(OCRPage.Word(
                text: word, box: PixelBox(x: Int(left), y: Int(top), width: Int(right - left), height: Int(bottom - top)),
                confidence: Double(TessResultIteratorConfidence(iterator, RIL_WORD)) / 100))
        } while TessResultIteratorNext(iterator, RIL_WORD) != 0
        return words
    }

    /// Orientation and script detection (needs an engine made with `languages: "osd"`):
    /// clockwise quarter turns that make the page upright, the script (`Latin`, `Han`, …) and
    /// the orientation and script confidences.
    public func detectOrientation(_ image: PageImage, resolution: Int) -> (quarterTurns: Int, script: String, confidence: Double, scriptConfidence: Double)? {
        TessBaseAPISetImage2(handle, image.pix)
        TessBaseAPISetSourceResolution(handle, Int32(resolution))
        defer { TessBaseAPIClear(handle) }
        var degrees: Int32 = 0
        var confidence: Float = 0
        var script: UnsafePointer<CChar>? = nil
        var scriptConfidence: Float = 0
        guard TessBaseAPIDetectOrientationScript(handle, &degrees, &confidence, &script, &scriptConfidence) != 0 else { return nil }
        // Tesseract reports how far the page is turned; turning it back is the rest of the circle.
        let turns = ((360 - Int(degrees)) % 360) / 90
        return (turns, script.map { String(cString: $0) } ?? "", Double(confidence), Double(scriptConfidence))
    }
}
