import IntakeCore

/// What the text parser read from a message, before the knowledge graph is applied.
public struct ParsedMessage: Sendable {
    public struct PartyHit: Sendable {
        public var party: Party
        public var span: TextSpan
        /// `device_id`, `store_number`, `store_name`, `customer_name`.
        public var method: String
    }

    public struct ModifierHit: Sendable {
        public var modifier: IntentGraph.Modifier
        public var span: TextSpan
    }

    public struct Line: Sendable {
        public var span: TextSpan
        public var quantity: Double
        public var quantitySpan: TextSpan?
        /// `digits`, `number_word`, `implicit`.
        public var quantityMethod: String
        public var unit: String?
        public var unitSpan: TextSpan?
        public var productSpan: TextSpan
        public var match: MaterialMatch?
        public var modifiers: [ModifierHit]
        /// Index of the separator-delimited segment the line stands in.
        public var segment: Int

        public var explicitQuantity: Bool { quantityMethod != "implicit" }
    }

    public struct GraphHit<Node: Sendable>: Sendable {
        public var node: Node
        public var phrase: String
        public var span: TextSpan
        public var segment: Int
    }

    public var party: PartyHit?
    /// Other devices named after the first.
    public var otherDevices: [String] = []
    public var reference: (value: String, span: TextSpan)?
    public var lines: [Line] = []
    /// Modifiers that apply to every line ("all to go").
    public var globalModifiers: [ModifierHit] = []
    public var symptoms: [GraphHit<IntentGraph.Symptom>] = []
    public var actions: [GraphHit<IntentGraph.Action>] = []
    /// Phrases with a quantity, or a number read as part of a name, that matched no material:
    /// something asked for that the order lacks. Kept as evidence; they hold the order.
    public var unmatched: [(text: String, span: TextSpan)] = []
    public var mentionsPurchase = false
}
