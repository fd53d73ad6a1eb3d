import IntakeCore

/// `OrderText` → `OrderDraft`: aligns text from any modality (a message, a transcript, OCR
/// text) to master data and the knowledge graph.
///
/// Options (pipeline YAML, under `options:`), with defaults:
/// - `min_score` (0.6): below it a phrase matches no material.
/// - `ambiguity_margin` (0.05): a rival SKU this close makes a line ambiguous.
/// - `implicit_min_score` (0.85): a line with no stated quantity needs this score.
/// - `ambiguity_penalty` (0.7): confidence factor for ambiguous lines.
/// - `unmatched_confidence` (0.5): the most an order may be trusted when a phrase in it with a
///   count or a number matches no material (it holds the order for review under the usual
///   `min_confidence`).
public struct AlignStage: Stage {
    public let aligner: IntentAligner

    public init(aligner: IntentAligner) {
        self.aligner = aligner
    }

    public init(master: MasterData, options: ConfigNode) throws {
        try options.allowOnly(["min_score", "ambiguity_margin", "implicit_min_score", "ambiguity_penalty", "unmatched_confidence"])
        var settings = IntentAligner.Settings()
        settings.matcher.minimumScore = try options.double("min_score", default: settings.matcher.minimumScore, in: 0...1)
        settings.matcher.ambiguityMargin = try options.double("ambiguity_margin", default: settings.matcher.ambiguityMargin, in: 0...1)
        settings.parser.implicitMinimumScore = try options.double(
            "implicit_min_score", default: settings.parser.implicitMinimumScore, in: 0...1)
        settings.ambiguityPenalty = try options.double("ambiguity_penalty", default: settings.ambiguityPenalty, in: 0...1)
        settings.unmatchedPhraseConfidence = try options.double(
            "unmatched_confidence", default: settings.unmatchedPhraseConfidence, in: 0...1)
        self.init(aligner: IntentAligner(master: master, settings: settings))
    }

    public func process(_ input: OrderText, context: StageContext) throws -> OrderDraft {
        aligner.align(input)
    }
}
