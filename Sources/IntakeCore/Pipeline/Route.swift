/// The stages one modality's inputs go through, from original bytes (`Data`) to `OrderRecord`.
public struct Route: Sendable {
    public let modality: Modality
    public let sniffer: any ContentSniffer
    public let stages: [(stage: AnyStage, settings: StageSettings)]

    public init(modality: Modality, sniffer: any ContentSniffer, stages: [(stage: AnyStage, settings: StageSettings)]) {
        self.modality = modality
        self.sniffer = sniffer
        self.stages = stages
    }
}
