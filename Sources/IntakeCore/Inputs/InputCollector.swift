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
        var listings: [String: [String: [String]]] = [:]  // folder → its sidecars' companions, listed once
        for argument in arguments {
            if argument == "-" {
                inputs.append(PipelineInput(uri: "stdin:", load: { try readStream(FileHandle.standardInput, name: "standard input") }))
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
    static func expand(_ path: String, listings: inout [String: [String: [String]]]) throws -> [PipelineInput] {
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
        for case let url as URL in walker where isRegularFile(url) {
            files.append(url.path)
        }
        let companions = sidecarCompanions(among: files)
        let taken = Set(companions.values.joined())
        return files.filter { !taken.contains($0) }.sorted().map { file($0, companions: companions[$0] ?? []) }
    }

    /// The files among `files` that belong to a sidecar JSON of their name (`a.csv` and `a.wav`
    /// beside `a.json`), by the sidecar's path, each list sorted. `intake serve --watch` pairs
    /// its files the same way.
    public static func sidecarCompanions(among files: some Sequence<String>) -> [String: [String]] {
        let present = Set(files)
        var companions: [String: [String]] = [:]
        for path in present {
            let url = URL(fileURLWithPath: path)
            let sidecar = url.deletingPathExtension().appendingPathExtension("json").path
            if url.pathExtension != "json", present.contains(sidecar) { companions[sidecar, default: []].append(path) }
        }
        return companions.mapValues { $0.sorted() }
    }

    /// `companions`: the files beside a sidecar JSON with its name.
    static func file(_ path: String, companions: [String]) -> PipelineInput {
        PipelineInput(
            uri: URL(fileURLWithPath: path).standardizedFileURL.path, companions: companions.map(CompanionFile.init(path:)),
            load: { try read(path) })
    }

    /// The largest input read, from a file (refused by its size, before reading) or from a pipe,
    /// a device or standard input (refused once it has sent more; `/dev/zero` would fill the
    /// memory). An order fits in far less; a 3 GB file crashed the dead-letter store, whose
    /// SQLite binding takes at most 2 GiB.
    public static let maximumInputBytes = 1 << 30

    /// Refuses a regular file over `maximumInputBytes` by its size, before it is read.
    public static func checkSize(_ url: URL) throws {
        let bytes = FileStatus(path: url.path)?.size ?? 0
        guard bytes > maximumInputBytes else { return }
        throw InputFailure(
            code: "input_too_large",
            message: "\(url.lastPathComponent) is \(bytes) bytes, more than intake reads (\(maximumInputBytes)); an order fits in far less")
    }

    /// True for a regular file or a link to one; false for folders, pipes and devices, which a
    /// folder walk passes over (a link to `/dev/zero` would never end).
    static func isRegularFile(_ url: URL) -> Bool {
        FileStatus(path: url.path)?.isRegularFile == true
    }

    /// A regular file whole; a pipe or device (`intake process <(command)`, a FIFO) as a
    /// stream, up to `maximumInputBytes` (`Data(contentsOf:)` refuses them).
    public static func read(_ path: String) throws -> Data {
        let url = URL(fileURLWithPath: path)
        if isRegularFile(url) {
            try checkSize(url)
            return try Data(contentsOf: url)
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw InputFailure(code: "unreadable_input", message: "no such file or directory")
        }
        if isFolder.boolValue { throw InputFailure(code: "unreadable_input", message: "it is a folder, not a file; name the files in it") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputFailure(code: "unreadable_input", message: "cannot open it for reading")
        }
        defer { try? handle.close() }
        return try readStream(handle, name: path)
    }

    static func readStream(_ handle: FileHandle, name: String, limit: Int = maximumInputBytes) throws -> Data {
        var data = Data()
        while let chunk = try handle.read(upToCount: min(1 << 20, limit + 1)), !chunk.isEmpty {
            data.append(chunk)
            guard data.count <= limit else {
                throw InputFailure(code: "input_too_large", message: "\(name) gave more than \(limit) bytes without ending; send a file")
            }
        }
        return data
    }

    /// The companions of a file named on its own: its folder's regular files, paired as in a
    /// folder (each folder listed once per collection, in `listings`).
    static func companions(of path: String, listings: inout [String: [String: [String]]]) -> [String] {
        let url = URL(fileURLWithPath: path)
        guard url.pathExtension == "json" else { return [] }
        let folder = url.deletingLastPathComponent()
        if listings[folder.path] == nil {
            let entries = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: [.isRegularFileKey])) ?? []
            listings[folder.path] = sidecarCompanions(among: entries.filter(isRegularFile).map(\.path))
        }
        return listings[folder.path]?[url.path] ?? []
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
