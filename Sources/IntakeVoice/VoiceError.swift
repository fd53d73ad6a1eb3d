import IntakeCore

/// Why a recording cannot be heard, with what the sender should do.
public enum VoiceError: IntakeError, Equatable {
    case unsupportedCodec(String)
    case malformedAudio(String)
    case truncatedAudio(expectedBytes: Int, actualBytes: Int)
    case emptyAudio
    case recognizerUnavailable(String)
    case adaptationFailed(String)
    /// The stage's deadline passed with segments still to decode (`decoded` of `segments`).
    case pastDeadline(decoded: Int, segments: Int)

    public var code: String {
        switch self {
        case .unsupportedCodec: "unsupported_audio_codec"
        case .malformedAudio: "malformed_audio"
        case .truncatedAudio: "truncated_audio"
        case .emptyAudio: "empty_audio"
        case .recognizerUnavailable: "recognizer_unavailable"
        case .adaptationFailed: "adaptation_failed"
        case .pastDeadline: "timeout"
        }
    }

    public var description: String {
        switch self {
        case let .unsupportedCodec(codec):
            "the audio is \(codec), which intake does not decode; send WAV (PCM or 32-bit float), e.g. `sox in.ext -r 16000 -c 1 out.wav`"
        case let .malformedAudio(reason): "the audio file is malformed: \(reason)"
        case let .truncatedAudio(expected, actual):
            "the WAV header promises \(expected) bytes of audio but the file holds \(actual); the upload was cut off, send it again"
        case .emptyAudio: "the recording holds no samples (zero length); record again"
        case let .recognizerUnavailable(reason): "the speech recogniser could not start: \(reason)"
        case let .adaptationFailed(reason): "the acoustic model could not be adapted: \(reason)"
        case let .pastDeadline(decoded, segments):
            "decoding stopped after \(decoded) of \(segments) segments: the stage's time ran out; raise voice.recognize's `timeout` (per minute of audio)"
        }
    }
}
