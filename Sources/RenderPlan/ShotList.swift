import Foundation

/// One shot of a shot list: a .blend (and scene, frames) rendered as one job into `<out>/<name>/`.
public struct Shot: Sendable, Equatable, Codable {
    /// The shot's folder name: given, else the file name without `.blend`.
    public var name: String
    /// The .blend, relative paths taken from the list's folder.
    public var file: String
    public var scene: String?
    public var frames: String?
    public var percent: Int?
    public var samples: Int?
    public var engine: String?
}

/// A shot list: a JSON array of objects, or CSV with a header row, with the columns `name` (optional),
/// `file`, `scene`, `frames`, `percent`, `samples`, `engine`. Order is edit order.
public enum ShotList {
    public static let columns = ["name", "file", "scene", "frames", "percent", "samples", "engine"]

    /// A shot list that cannot be used: one line naming the list, the shot and what to change.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// Read the list at `path` (`.csv` as CSV, anything else as JSON).
    public static func read(_ path: String) throws(Problem) -> [Shot] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "\(path): cannot read the shot list; check the path")
        }
        let folder = (path as NSString).deletingLastPathComponent
        let rows = path.lowercased().hasSuffix(".csv") ? try csvRows(String(decoding: data, as: UTF8.self), list: path)
                                                       : try jsonRows(data, list: path)
        return try shots(rows, list: path, folder: folder)
    }

    /// Stands for a JSON value that is neither text nor a number (refused, naming the field).
    private static let notText = "\u{0}"

    /// Rows of a JSON array of objects, every value as text.
    static func jsonRows(_ data: Data, list: String) throws(Problem) -> [[String: String]] {
        guard let array = (try? JSONSerialization.jsonObject(with: data)) as? [Any] else {
            throw Problem(description: "\(list): not a JSON array of shots ([{\"file\": \"a.blend\"}, …])")
        }
        var rows: [[String: String]] = []
        for (number, item) in array.enumerated() {
            guard let object = item as? [String: Any] else { throw Problem(description: "\(list): shot \(number + 1) is not an object") }
            rows.append(object.mapValues { value in
                (value as? String) ?? (value as? NSNumber)?.stringValue ?? notText
            })
        }
        return rows
    }

    /// Rows of CSV text with a header row (RFC 4180 quoting).
    static func csvRows(_ text: String, list: String) throws(Problem) -> [[String: String]] {
        var records = csvRecords(text).filter { !($0.count == 1 && $0[0].trimmingCharacters(in: .whitespaces).isEmpty) }
        guard !records.isEmpty else { throw Problem(description: "\(list): empty; the first row names the columns (\(columns.joined(separator: ",")))") }
        let header = records.removeFirst().map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return try records.enumerated().map { (number, record) throws(Problem) in
            guard record.count <= header.count else {
                throw Problem(description: "\(list): row \(number + 2) has \(record.count) fields, the header \(header.count)")
            }
            var row: [String: String] = [:]
            for (column, value) in zip(header, record) {
                let trimmed = value.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { row[column] = trimmed }
            }
            return row
        }
    }

    static func csvRecords(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var quoted = false, iterator = Array(text).makeIterator(), pending: Character?
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    let next = iterator.next()
                    if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true
            } else if c == "," { record.append(field); field = ""
            } else if c == "\n" || c == "\r\n" { record.append(field); records.append(record); record = []; field = ""
            } else if c != "\r" { field.append(c) }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }

    static func shots(_ rows: [[String: String]], list: String, folder: String) throws(Problem) -> [Shot] {
        guard !rows.isEmpty else { throw Problem(description: "\(list): no shots") }
        var shots: [Shot] = []
        for (position, row) in rows.enumerated() {
            let label = "\(list): shot \(position + 1)"
            if let unknown = row.keys.sorted().first(where: { !columns.contains($0) }) {
                throw Problem(description: "\(label): unknown field '\(unknown)' (known: \(columns.joined(separator: ", ")))")
            }
            if let bad = row.first(where: { $0.value == notText }) {
                throw Problem(description: "\(label): field '\(bad.key)' must be text or a number")
            }
            guard let file = row["file"], !file.isEmpty else { throw Problem(description: "\(label): no 'file' (the .blend to render)") }
            func positive(_ key: String) throws(Problem) -> Int? {
                guard let text = row[key] else { return nil }
                guard let value = Int(text) ?? Double(text).flatMap({ $0 == $0.rounded() ? Int($0) : nil }), value > 0 else {
                    throw Problem(description: "\(label): \(key) '\(text)' is not a positive whole number")
                }
                return value
            }
            let path = file.hasPrefix("/") || file.contains("://") || folder.isEmpty ? file : folder + "/" + file
            let name = row["name"] ?? ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            guard !name.isEmpty, !name.hasPrefix("."), !name.contains("/") else {
                throw Problem(description: "\(label): name '\(name)' must be a plain folder name (no '/', not hidden)")
            }
            if shots.contains(where: { $0.name == name }) {
                throw Problem(description: "\(label): the name '\(name)' is taken by an earlier shot; give each shot its own name")
            }
            shots.append(Shot(name: name, file: path, scene: row["scene"], frames: row["frames"],
                              percent: try positive("percent"), samples: try positive("samples"), engine: row["engine"]))
        }
        return shots
    }
}
