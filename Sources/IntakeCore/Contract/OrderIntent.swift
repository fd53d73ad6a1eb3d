/// What the sender wants, aligned to master data: the business meaning of an input.
public struct OrderIntent: Codable, Sendable, Equatable {
    public var type: IntentType
    public var party: Party?
    public var reference: String?
    public var lines: [OrderLine]
    public var notes: [String]
    public var procedure: ProcedureRef?
    /// What a machine's signal showed (vibration alerts), healthy or not.
    public var diagnosis: Diagnosis?
    /// The day the sender dated the order (ISO 8601, `2026-11-03`), when it says (purchase orders).
    public var orderDate: String?
    /// ISO 4217 code of the prices (`EUR`, `CNY`), when the order states it.
    public var currency: String?
    /// The total the order states, as printed (not recomputed).
    public var total: Double?
    /// Where the goods go (ship-to address), when the order says.
    public var deliverTo: String?
    /// Overall confidence (0–1): the weakest link of party, lines and graph decisions.
    public var confidence: Double

    public init(
        type: IntentType, party: Party? = nil, reference: String? = nil, lines: [OrderLine] = [],
        notes: [String] = [], procedure: ProcedureRef? = nil, diagnosis: Diagnosis? = nil, confidence: Double = 1
    ) {
        self.type = type
        self.party = party
        self.reference = reference
        self.lines = lines
        self.notes = notes
        self.procedure = procedure
        self.diagnosis = diagnosis
        self.confidence = confidence
    }

    /// The intent of an input that asks for nothing (or could not be read).
    public static let none = OrderIntent(type: .none, confidence: 0)

    enum CodingKeys: String, CodingKey {
        case type, party, reference, lines, notes, procedure, diagnosis, currency, total, confidence
        case orderDate = "order_date"
        case deliverTo = "deliver_to"
    }
}

public enum IntentType: String, Codable, Sendable, CaseIterable {
    case delivery, purchase, repair, inspection, none
}

/// Who the order is for or from.
public struct Party: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case store, customer, supplier, device }
    public var kind: Kind
    /// A normalised identifier (`12` for "store twelve", `T3` for a device).
    public var id: String?
    /// The name as written or as known in master data.
    public var name: String
    /// Where the party is (a plant, depot or store site), when known.
    public var site: String?

    public init(kind: Kind, id: String? = nil, name: String, site: String? = nil) {
        self.kind = kind
        self.id = id
        self.name = name
        self.site = site
    }
}

/// One ordered material.
public struct OrderLine: Codable, Sendable, Equatable {
    /// The material master SKU, or nil when nothing matched well enough.
    public var sku: String?
    /// The master-data name of `sku`.
    public var name: String?
    /// The words of the input that this line was read from.
    public var text: String
    public var quantity: Double
    public var unit: String?
    public var unitPrice: Double?
    public var amount: Double?
    public var modifiers: [String]
    public var handling: [String]
    public var confidence: Double

    public init(
        sku: String?, name: String? = nil, text: String, quantity: Double, unit: String? = nil,
        unitPrice: Double? = nil, amount: Double? = nil, modifiers: [String] = [],
        handling: [String] = [], confidence: Double
    ) {
        self.sku = sku
        self.name = name
        self.text = text
        self.quantity = quantity
        self.unit = unit
        self.unitPrice = unitPrice
        self.amount = amount
        self.modifiers = modifiers
        self.handling = handling
        self.confidence = confidence
    }

    enum CodingKeys: String, CodingKey {
        case sku, name, text, quantity, unit, modifiers, handling, confidence, amount
        case unitPrice = "unit_price"
    }
}

/// The procedure the knowledge graph put the order under.
public struct ProcedureRef: Codable, Sendable, Equatable {
    public var code: String
    public var title: String
    public var priority: String?

    public init(code: String, title: String, priority: String? = nil) {
        self.code = code
        self.title = title
        self.priority = priority
    }
}

/// A machine's condition as read from its signal: the fault class, how sure, and how severe.
public struct Diagnosis: Codable, Sendable, Equatable {
    /// `normal`, `inner_race`, `outer_race`, `ball`, `cage`, `imbalance`, `misalignment`,
    /// `looseness` or `unknown` (severe, but no known pattern).
    public var fault: String
    public var confidence: Double
    /// ISO 10816-3 / 20816-3 zone A–D of the overall velocity.
    public var isoZone: String?
    public var velocityRMSmmPerSecond: Double?
    /// Running speed used for the analysis.
    public var rpm: Double?

    public init(fault: String, confidence: Double, isoZone: String? = nil, velocityRMSmmPerSecond: Double? = nil, rpm: Double? = nil) {
        self.fault = fault
        self.confidence = confidence
        self.isoZone = isoZone
        self.velocityRMSmmPerSecond = velocityRMSmmPerSecond
        self.rpm = rpm
    }

    enum CodingKeys: String, CodingKey {
        case fault, confidence, rpm
        case isoZone = "iso_zone"
        case velocityRMSmmPerSecond = "velocity_rms_mm_s"
    }
}
