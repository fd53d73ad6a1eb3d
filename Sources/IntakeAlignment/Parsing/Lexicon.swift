/// Words with a fixed role in order messages.
enum Lexicon {
    /// Words that carry no product meaning at the edges of a phrase ("please send", "for us").
    static let fillers: Set<String> = [
        "please", "pls", "plz", "kindly", "send", "deliver", "get", "need", "needs", "want", "order", "add", "bring",
        "give", "can", "could", "would", "will", "shall", "we", "i", "you", "me", "us", "our", "my", "like", "also",
        "just", "some", "hi", "hey", "hello", "uh", "um", "er", "erm", "ok", "okay", "thanks", "thank", "cheers",
        "its", "it's", "it", "this", "is", "that", "then", "there", "here", "the", "a", "an", "of", "and", "more",
        "another", "have", "do", "let", "be", "make", "them", "those", "these", "all", "each", "any", "with", "yes",
        "no", "too", "as", "well", "today", "tomorrow", "morning", "afternoon", "asap", "now", "x", "×", "qty",
        "quantity", "pcs", "item", "items", "one's", "ones", "so", "too", "mine", "want", "wanted",
    ]
    /// Words after which a product phrase does not continue ("gloves for the team").
    static let phraseBreaks: Set<String> = [
        "for", "by", "before", "until", "at", "from", "please", "pls", "thanks", "asap", "tomorrow", "today",
        "tonight", "if", "when", "so", "but", "because",
    ]
    /// Words that end one line and start the next.
    static let lineBreaks: Set<String> = ["and", "plus", "also", "then"]
    /// Marks of a purchase rather than a delivery.
    static let purchaseWords: Set<String> = ["po", "purchase", "procure", "procurement", "quote", "quotation", "supply", "supplier", "invoice"]
    /// Words that name a shop as a party when followed by a number or preceded by a name.
    static let storeWords: Set<String> = ["store", "shop", "branch", "outlet", "kiosk", "cafe", "site"]
    /// Words that introduce a reference number.
    static let referenceWords: Set<String> = ["po", "p.o", "order", "ref", "reference", "requisition", "req"]
    /// Words that apply a modifier to every line ("all to go").
    static let everything: Set<String> = ["all", "everything", "every", "both"]
}
