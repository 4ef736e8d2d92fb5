import Executors
/// What a submission starts from when the studio config says so (`"defaults": {...}`): the
/// Blender add-on pre-fills its form with these, and `render --backend aws` takes `queue` and
/// `job_definition` from them.
public struct SubmitDefaults: Sendable, Equatable, Encodable {
    public var backend: String?
    public var queue: String?
    public var jobDefinition: String?
    public var out: String?
    public var recipe: String?
    public var device: String?
    public var percent: Int?
    public var samples: Int?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case backend, queue, jobDefinition = "job_definition", out, recipe, device, percent, samples
    }

    /// Lay the settings of one file's `defaults` object over these.
    mutating func merge(_ value: Any) throws(StudioConfig.Problem) {
        func bad(_ what: String) -> StudioConfig.Problem { StudioConfig.Problem(description: what) }
        guard let fields = value as? [String: Any] else { throw bad("must be an object such as {\"queue\": \"blendbatch-render\"}") }
        let known = CodingKeys.allCases.map(\.rawValue)
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw bad("unknown setting '\(unknown)' (known: \(known.joined(separator: ", ")))")
        }
        let texts: [(String, WritableKeyPath<SubmitDefaults, String?>)] = [
            ("backend", \.backend), ("queue", \.queue), ("job_definition", \.jobDefinition), ("out", \.out),
            ("recipe", \.recipe), ("device", \.device)]
        for (key, path) in texts {
            guard let value = fields[key] else { continue }
            guard let text = value as? String, !text.isEmpty else { throw bad("\(key) must be a non-empty string") }
            self[keyPath: path] = text
        }
        if let backend, !Backends.names.contains(backend) { throw bad("backend must be \(Backends.names.joined(separator: ", ")) (got '\(backend)')") }
        for (key, path, range) in [("percent", \SubmitDefaults.percent, 1...100), ("samples", \SubmitDefaults.samples, 1...1_000_000)] {
            guard let value = fields[key] else { continue }
            guard let number = value as? Int, range.contains(number) else { throw bad("\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)") }
            self[keyPath: path] = number
        }
    }
}
