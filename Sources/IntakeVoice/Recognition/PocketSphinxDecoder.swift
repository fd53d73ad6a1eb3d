import CPocketSphinx
import Foundation

/// One PocketSphinx decoder and the handles it owns. Not thread-safe: one per worker thread
/// (`WorkerLocal`), freed with the instance.
///
/// Settings that matter, measured on Debian's 5prealpha: noise removal on, with the noise
/// estimate reset before every utterance (`ps_start_stream`: otherwise it carries across
/// utterances and results depend on file order), and wide beams (with a grammar the default
/// beams sometimes return no hypothesis at all).
public final class PocketSphinxDecoder {
    /// A word heard, with its frames (10 ms each) and acoustic score.
    public struct Word: Sendable, Equatable {
        /// The dictionary word without its variant mark (`with(2)` → `with`).
        public var text: String
        public var startFrame: Int
        public var endFrame: Int
        public var acousticScore: Int
        /// How sure the lattice is of this word here (`WordPosteriors`); nil unless asked for,
        /// and when the search gives no posteriors (a grammar).
        public var posterior: Double? = nil
    }

    /// Where the model and the search come from.
    public struct Configuration: Sendable, Equatable {
        /// The acoustic model directory (Debian: /usr/share/pocketsphinx/model/en-us/en-us).
        public var acousticModel: String
        public var dictionary: String
        /// A JSGF grammar file, or an n-gram language model (`lm`); one of the two.
        public var grammar: String?
        public var languageModel: String?
        /// Search beams. The last-phone beams start at PocketSphinx's own (1e-40, 7e-29); the
        /// domain recogniser widens them (`RecognizeStage`).
        public var beams = (beam: "1e-80", pbeam: "1e-80", wbeam: "1e-60", lpbeam: "1e-40", lponlybeam: "7e-29")
        /// Language model weight and word insertion penalty (n-gram search only). A heavier
        /// weight than PocketSphinx's 6.5 trusts the domain model more; measured on flite
        /// reports it removed inserted words without losing catalog names. 8.5 rather than 10
        /// since noise suppression and N-best rescoring: as many or more exact orders in every
        /// flite condition of two evaluation corpora (seeds 2026 and 7), most in noise.
        public var languageWeight = 8.5
        public var insertionPenalty = 0.2
        /// Language weights of the second pass (flat-lexicon search) and the third (best path
        /// through the word lattice, which also ranks the N-best readings). PocketSphinx keeps
        /// its own 8.5 and 9.5 there whatever `languageWeight` is; the domain recogniser sets
        /// both to its `languageWeight` (`RecognizeStage`).
        public var laterPassLanguageWeights = (flat: 8.5, bestPath: 9.5)
        /// Spectral subtraction of the background noise, estimated afresh for each utterance.
        public var removeNoise = true
        /// PocketSphinx's `-ascale`: acoustic scores are divided by it when the lattice's word
        /// posteriors are computed; it changes no reading. Its own 20 flattens them: a count's
        /// posterior held 16 of 139 exact clean orders under 0.9 there, and none with 5
        /// (`intake-bench voice`, seeds 19 and 7, MAP-adapted model).
        public var posteriorScale = 5.0
        /// An MLLR transform of the acoustic model's means (`SpeakerAdaptation`), or none.
        public var adaptation: String?

        public init(acousticModel: String = Self.debianModel, dictionary: String, grammar: String? = nil, languageModel: String? = nil) {
            self.acousticModel = acousticModel
            self.dictionary = dictionary
            self.grammar = grammar
            self.languageModel = languageModel
        }

        public static let debianModel = "/usr/share/pocketsphinx/model/en-us/en-us"
        public static let debianDictionary = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"
        public static let debianLanguageModel = "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin"

        public static func == (a: Self, b: Self) -> Bool {
            a.acousticModel == b.acousticModel && a.dictionary == b.dictionary && a.grammar == b.grammar
                && a.languageModel == b.languageModel && a.beams == b.beams
                && a.languageWeight == b.languageWeight && a.insertionPenalty == b.insertionPenalty
                && a.laterPassLanguageWeights == b.laterPassLanguageWeights
                && a.removeNoise == b.removeNoise && a.posteriorScale == b.posteriorScale && a.adaptation == b.adaptation
        }

        var arguments: [String] {
            var arguments = [
                "-hmm", acousticModel, "-dict", dictionary, "-logfn", "/dev/null", "-remove_noise", removeNoise ? "yes" : "no",
                "-beam", beams.beam, "-pbeam", beams.pbeam, "-wbeam", beams.wbeam,
                "-lpbeam", beams.lpbeam, "-lponlybeam", beams.lponlybeam, "-ascale", String(posteriorScale),
            ]
            if let grammar { arguments += ["-jsgf", grammar] }
            if let languageModel {
                arguments += [
                    "-lm", languageModel, "-lw", String(languageWeight), "-wip", String(insertionPenalty),
                    "-fwdflatlw", String(laterPassLanguageWeights.flat), "-bestpathlw", String(laterPassLanguageWeights.bestPath),
                ]
            }
            if let adaptation { arguments += ["-mllr", adaptation] }
            return arguments
        }
    }

    private let decoder: OpaquePointer
    /// The n-gram search gives lattice posteriors; a grammar's search does not.
    private let searchHasPosteriors: Bool

    public init(_ configuration: Configuration) throws {
        for path in [configuration.acousticModel, configuration.dictionary]
            + [configuration.grammar, configuration.languageModel, configuration.adaptation].compactMap({ $0 })
        where !FileManager.default.fileExists(atPath: path) {
            throw VoiceError.recognizerUnavailable("\(path) does not exist; install pocketsphinx-en-us or fix the voice.recognize options")
        }
        // cmd_ln_init is variadic (unavailable in Swift): parse an argv instead.
        var argv = configuration.arguments.map { strdup($0) }
        defer { argv.forEach { free($0) } }
        guard let config = cmd_ln_parse_r(nil, ps_args(), Int32(argv.count), &argv, 1) else {
            throw VoiceError.recognizerUnavailable("PocketSphinx rejected its arguments \(configuration.arguments)")
        }
        defer { cmd_ln_free_r(config) }
        ps_default_search_args(config)
        guard let decoder = ps_init(config) else {
            throw VoiceError.recognizerUnavailable("ps_init failed for \(configuration.acousticModel) with \(configuration.grammar ?? configuration.languageModel ?? "the default model"); a grammar word may be missing from the dictionary")
        }
        self.decoder = decoder
        searchHasPosteriors = configuration.grammar == nil
    }

    deinit { ps_free(decoder) }

    /// What one utterance decoded to: the best path, and other readings when asked for.
    public struct Decoding: Sendable, Equatable {
        /// The best path; empty when nothing in the search matched.
        public var words: [Word]
        /// The best path's score (log base 1.0001, acoustic and language model together).
        public var score: Int
        /// Other word sequences from the lattice (N-best, A* search), best first, each distinct
        /// from the best path and from one another in its words (fillers and variants aside).
        public var alternatives: [Alternative]
        public var frames: Int
    }

    /// Another reading of an utterance, and its path score (lower than the best path's).
    public struct Alternative: Sendable, Equatable {
        public var words: [Word]
        public var score: Int
    }

    /// Decodes one utterance, with up to `alternatives` other readings of it, and with each
    /// word's lattice posterior when `posteriors` is set.
    public func decode(_ samples: ArraySlice<Int16>, alternatives: Int = 0, posteriors: Bool = false) -> Decoding {
        ps_start_stream(decoder)  // a new stream: the noise estimate starts over, so no utterance depends on the last
        ps_start_utt(decoder)
        samples.withUnsafeBufferPointer { buffer in
            _ = ps_process_raw(decoder, buffer.baseAddress, buffer.count, 0, 1)
        }
        ps_end_utt(decoder)
        // The best path (its lattice search also computes the lattice's posteriors), then its words.
        var bestScore: Int32 = 0
        _ = ps_get_hyp(decoder, &bestScore)
        let lattice = posteriors && searchHasPosteriors ? latticePosteriors() : nil
        let best = Self.words(ps_seg_iter(decoder), posteriors: lattice)
        var others: [Alternative] = []
        if alternatives > 0, !best.isEmpty {
            // The A* search repeats a reading once per filler or pronunciation variant: skip
            // those, and stop after a bounded number of paths so a long utterance stays cheap.
            var seen: Set<[String]> = [best.map(\.text)]
            var paths = 0
            var iterator = ps_nbest(decoder)
            while let nbest = iterator, others.count < alternatives, paths < Self.nbestPathLimit {
                paths += 1
                let words = Self.words(ps_nbest_seg(nbest), posteriors: lattice)
                var score: Int32 = 0
                _ = ps_nbest_hyp(nbest, &score)
                if !words.isEmpty, seen.insert(words.map(\.text)).inserted { others.append(Alternative(words: words, score: Int(score))) }
                iterator = ps_nbest_next(nbest)
            }
            if let nbest = iterator { ps_nbest_free(nbest) }
        }
        return Decoding(words: best, score: Int(bestScore), alternatives: others, frames: Int(ps_get_n_frames(decoder)))
    }

    /// Every word link of the last utterance's lattice with its posterior.
    private func latticePosteriors() -> WordPosteriors? {
        guard let lattice = ps_get_lattice(decoder) else { return nil }
        var links: [WordPosteriors.Link] = []
        // Both iterators walk linked lists the lattice owns: nothing to free.
        var nodes = ps_latnode_iter(lattice)
        while let current = nodes {
            if let node = ps_latnode_iter_node(current), let raw = ps_latnode_baseword(lattice, node),
               let word = Self.spokenWord(String(cString: raw)) {
                var exits = ps_latnode_exits(node)
                while let exit = exits {
                    if let link = ps_latlink_iter_link(exit) {
                        var start: Int16 = 0
                        let end = ps_latlink_times(link, &start)
                        let posterior = exp(Double(ps_latlink_prob(lattice, link, nil)) * Self.logBase)
                        links.append(.init(word: word, startFrame: Int(start), endFrame: Int(end), posterior: posterior))
                    }
                    exits = ps_latlink_iter_next(exit)
                }
            }
            nodes = ps_latnode_iter_next(current)
        }
        return WordPosteriors(links)
    }

    /// ln of PocketSphinx's log base (`-logbase`, 1.0001): its integer log scores times this are natural logs.
    static let logBase = log(1.0001)

    /// Lattice paths read per utterance at most, when alternatives are asked for.
    static let nbestPathLimit = 500

    /// The spoken words of a segmentation, which the iteration frees.
    private static func words(_ first: OpaquePointer?, posteriors: WordPosteriors?) -> [Word] {
        var words: [Word] = []
        var iterator = first
        while let segment = iterator {
            var start: Int32 = 0, end: Int32 = 0, acoustic: Int32 = 0, language: Int32 = 0, backoff: Int32 = 0
            ps_seg_frames(segment, &start, &end)
            _ = ps_seg_prob(segment, &acoustic, &language, &backoff)
            if let raw = ps_seg_word(segment), let word = spokenWord(String(cString: raw)) {
                words.append(Word(
                    text: word, startFrame: Int(start), endFrame: Int(end) + 1, acousticScore: Int(acoustic),
                    posterior: posteriors?.posterior(of: word, start: Int(start), end: Int(end) + 1)))
            }
            iterator = ps_seg_next(segment)
        }
        return words
    }

    /// A real word from a segment label: fillers (`<sil>`, `[NOISE]`) and null transitions dropped,
    /// pronunciation variants (`with(2)`) folded.
    static func spokenWord(_ label: String) -> String? {
        if label.isEmpty || label.hasPrefix("<") || label.hasPrefix("[") || label.hasPrefix("(") || label.hasPrefix("++") { return nil }
        if let open = label.firstIndex(of: "("), label.hasSuffix(")") { return String(label[..<open]) }
        return label
    }
}
