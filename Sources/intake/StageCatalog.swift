import Foundation
import IntakeAlignment
import IntakeCore
import IntakeDocuments
import IntakeText
import IntakeVibration
import IntakeVoice

/// The composition root's list of what this build can do: every stage by its `uses:` name and
/// every modality's sniffer. A new modality registers its stages here and nowhere else.
enum StageCatalog {
    static func registry(pipeline: String, master: MasterData) -> StageRegistry {
        var registry = StageRegistry()
        registry.register(sniffer: PlainTextSniffer(), for: .text)
        registry.register("text.decode") { options in try TextDecodeStage(options: options) }
        registry.register("align") { options in try AlignStage(master: master, options: options) }
        registry.register(sniffer: AlertSniffer(), for: .vibration)
        registry.register("vibration.decode") { options in
            try options.allowOnly([])
            return AlertDecodeStage()
        }
        registry.register("vibration.diagnose") { options in try DiagnoseStage(devices: master.devices, options: options) }
        registry.register("vibration.order") { options in
            try options.allowOnly([])
            return RepairOrderStage(master: master)
        }
        registry.register(sniffer: AudioSniffer(), for: .voice)
        registry.register("voice.decode") { options in
            try options.allowOnly([])
            return AudioDecodeStage()
        }
        registry.register("voice.recognize") { options in try RecognizeStage(master: master, options: options) }
        registry.register(sniffer: DocumentSniffer(), for: .document)
        registry.register("document.decode") { options in try DocumentDecodeStage(options: options) }
        registry.register("document.read") { options in try DocumentReadStage(options: options) }
        registry.register("document.extract") { options in try DocumentExtractStage(master: master, options: options) }
        registry.register("record") { options in
            try options.allowOnly([])
            return RecordStage(pipeline: pipeline)
        }
        return registry
    }
}
