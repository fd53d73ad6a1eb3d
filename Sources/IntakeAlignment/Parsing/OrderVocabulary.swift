/// Every word the text parser gives a role to, for recognisers that must be told what can be
/// said (a speech grammar): the same tables the parser reads, so the two never drift apart.
public enum OrderVocabulary {
    /// Number words: units, tens, multipliers ("dozen", "pair") and "half".
    public static var numberWords: Set<String> {
        Set(NumberWords.units.keys).union(NumberWords.tens.keys).union(NumberWords.multipliers.keys).union(["half", "a", "an"])
    }

    /// Unit words ("cups", "kilos", "litres").
    public static var unitWords: Set<String> { Set(UnitLexicon.words.keys) }

    /// Words that join, introduce or frame lines ("and", "please", "store", "for", "of").
    public static var connectorWords: Set<String> {
        Lexicon.fillers.union(Lexicon.phraseBreaks).union(Lexicon.lineBreaks).union(Lexicon.storeWords)
            .union(Lexicon.referenceWords).union(Lexicon.everything).union(["of", "x", "to", "go", "on", "in", "from"])
    }
}
