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
/// Such files are the input's `companions`, hashed into its identity with the sidecar.
public enum InputCollector {
    public static func collect(_ arguments: [String]) throws -> [PipelineInput] {
        var inputs: [PipelineInput] = []
        var listings: [String: [String]] = [:]  // folder → its file names, listed once
        for argument in arguments {
            if argument == "-" {
                inputs.append(PipelineInput(uri: "stdin:", load: { FileHandle.standardInput.readDataToEndOfFile() }))
            } else if argument.contains(where: { "*?[".contains($0) }) {
                let matches = glob(argument)
                guard !matches.isEmpty else {
                    throw InputFailure(code: "input_not_found", message: "no file matches \(argument)")
                }
                for match in matches { inputs += try expand(match, listings: &listings) }
            } else {
                inputs += try expand(argument, listings: &listings)
            }
        }
        return inputs
    }

    /// One input per regular file at or below `path`.
    static func expand(_ path: String, listings: inout [String: [String]]) throws -> [PipelineInput] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputFailure(code: "input_not_found", message: "no such file or directory: \(path)")
        }
        guard isDirectory.boolValue else { return [file(path, companions: companions(of: path, listings: &listings))] }
        let root = URL(fileURLWithPath: path)
        guard let walker = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else { return [] }
        var files: [String] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            files.append(url.path)
        }
        let present = Set(files)
        var companions: [String: [String]] = [:]
        for path in files {
            let url = URL(fileURLWithPath: path)
            let sidecar = url.deletingPathExtension().appendingPathExtension("json").path
            if url.pathExtension != "json", present.contains(sidecar) { companions[sidecar, default: []].append(path) }
        }
        return files.filter { path in
            let url = URL(fileURLWithPath: path)
            return url.pathExtension == "json" || !present.contains(url.deletingPathExtension().appendingPathExtension("json").path)
        }.sorted().map { file($0, companions: companions[$0]?.sorted() ?? []) }
    }

    /// `companions`: the files beside a sidecar JSON with its name.
    static func file(_ path: String, companions: [String]) -> PipelineInput {
        PipelineInput(
            uri: URL(fileURLWithPath: path).standardizedFileURL.path, companions: companions,
            load: { try Data(contentsOf: URL(fileURLWithPath: path)) })
    }

    /// Regular files beside a JSON file with its name and another extension (`a.csv` for `a.json`).
    static func companions(of path: String, listings: inout [String: [String]]) -> [String] {
        let url = URL(fileURLWithPath: path)
        guard url.pathExtension == "json" else { return [] }
        let stem = url.deletingPathExtension().lastPathComponent
        let folder = url.deletingLastPathComponent()
        if listings[folder.path] == nil { listings[folder.path] = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] }
        return listings[folder.path]!.filter { name in
            name != url.lastPathComponent && !(name as NSString).pathExtension.isEmpty && (name as NSString).deletingPathExtension == stem
        }.sorted().map { folder.appendingPathComponent($0).path }.filter { companion in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: companion, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
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
