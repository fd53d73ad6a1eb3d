import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Expands command-line input arguments into inputs: files, directories (recursively, sorted,
/// hidden files skipped), glob patterns, and `-` for standard input. Bytes are read later,
/// when the pipeline admits each input.
///
/// In a directory, a file with a JSON sidecar of the same name (`a.wav` beside `a.json`) is
/// data of that sidecar: the sidecar is the input, and the stage reading it opens the file.
public enum InputCollector {
    public static func collect(_ arguments: [String]) throws -> [PipelineInput] {
        var inputs: [PipelineInput] = []
        for argument in arguments {
            if argument == "-" {
                inputs.append(PipelineInput(uri: "stdin:", load: { FileHandle.standardInput.readDataToEndOfFile() }))
            } else if argument.contains(where: { "*?[".contains($0) }) {
                let matches = glob(argument)
                guard !matches.isEmpty else {
                    throw InputFailure(code: "input_not_found", message: "no file matches \(argument)")
                }
                for match in matches { inputs += try expand(match) }
            } else {
                inputs += try expand(argument)
            }
        }
        return inputs
    }

    /// One input per regular file at or below `path`.
    static func expand(_ path: String) throws -> [PipelineInput] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputFailure(code: "input_not_found", message: "no such file or directory: \(path)")
        }
        guard isDirectory.boolValue else { return [file(path)] }
        let root = URL(fileURLWithPath: path)
        guard let walker = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else { return [] }
        var files: [String] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            files.append(url.path)
        }
        let present = Set(files)
        return files.filter { path in
            let url = URL(fileURLWithPath: path)
            return url.pathExtension == "json" || !present.contains(url.deletingPathExtension().appendingPathExtension("json").path)
        }.sorted().map(file)
    }

    static func file(_ path: String) -> PipelineInput {
        PipelineInput(uri: URL(fileURLWithPath: path).standardizedFileURL.path, load: {
            try Data(contentsOf: URL(fileURLWithPath: path))
        })
    }

    private static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(cString: $0) }
        }.sorted()
    }
}
