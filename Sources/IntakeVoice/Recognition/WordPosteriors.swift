/// How sure the lattice is of a word at a time: the posterior probability of every lattice
/// link that carries the word (any pronunciation) across the word's middle frame, summed.
///
/// PocketSphinx gives each link's posterior (forward-backward over the word lattice), and each
/// pronunciation variant ("four", "four(2)") and each end time is a link of its own, so one
/// link's share understates the word: a sure "four" said two ways reads as two halves.
/// In: the links of a decoded utterance's lattice. Out: 0…1 per word and frame span.
public struct WordPosteriors: Sendable {
    public struct Link: Sendable, Equatable {
        /// The spoken word (variant marks folded, fillers left out).
        public var word: String
        public var startFrame: Int
        /// The last frame the link covers.
        public var endFrame: Int
        public var posterior: Double

        public init(word: String, startFrame: Int, endFrame: Int, posterior: Double) {
            self.word = word
            self.startFrame = startFrame
            self.endFrame = endFrame
            self.posterior = posterior
        }
    }

    private let links: [String: [Link]]

    public init(_ links: [Link]) {
        self.links = Dictionary(grouping: links, by: \.word)
    }

    /// The posterior of `word` said over frames `start..<end`, at its middle frame.
    public func posterior(of word: String, start: Int, end: Int) -> Double {
        let middle = (start + max(end - 1, start)) / 2
        let sum = (links[word] ?? []).reduce(0) { $0 + ($1.startFrame <= middle && middle <= $1.endFrame ? $1.posterior : 0) }
        return min(sum, 1)
    }
}
