import Foundation

/// How many of the targeted Spot instances an experiment interrupts.
public enum SpotSelection: Sendable, Equatable, CustomStringConvertible {
    case count(Int)
    case percent(Int)

    /// FIS `selectionMode`: `COUNT(n)` or `PERCENT(p)`.
    public var selectionMode: String {
        switch self {
        case .count(let n): return "COUNT(\(n))"
        case .percent(let p): return "PERCENT(\(p))"
        }
    }

    public var description: String {
        switch self {
        case .count(let n): return n == 1 ? "1 instance" : "\(n) instances"
        case .percent(let p): return "\(p)% of the instances"
        }
    }
}

/// Why a Spot-interruption experiment cannot be described.
public enum SpotInterruptionError: Error, Equatable, CustomStringConvertible {
    case badSelection(String)
    case badNotice(String)
    case noTags(computeEnvironment: String)

    public var description: String {
        switch self {
        case .badSelection(let text): return text
        case .badNotice(let text):
            return "notice '\(text)' is not an ISO 8601 duration from PT2M to PT15M (e.g. PT2M, PT5M, PT90S is too short)"
        case .noTags(let environment):
            return "compute environment \(environment) puts no tags on its instances, and FIS finds Spot instances only by tag: "
                + "add computeResources tags (scripts/aws/stack.yaml tags them blendbatch:fleet=<stack>)"
        }
    }
}

/// The FIS experiment template that sends Spot interruption notices to the instances of a render fleet,
/// as in the AWS workshop: target `aws:ec2:spot-instance` by tag, running ones only.
public struct SpotInterruptionTemplate: Sendable, Equatable {
    /// Tags every instance of the fleet carries (all must match).
    public var fleetTags: [String: String]
    public var selection: SpotSelection
    /// Warning before the instance is reclaimed (ISO 8601 duration, PT2M…PT15M).
    public var notice: String
    /// Role FIS assumes; it needs `ec2:SendSpotInstanceInterruptions` on the instances.
    public var roleArn: String

    public init(fleetTags: [String: String], selection: SpotSelection, notice: String = "PT2M", roleArn: String) throws {
        switch selection {
        case .count(let n) where n < 1:
            throw SpotInterruptionError.badSelection("--count must be at least 1 (got \(n))")
        case .percent(let p) where !(1...100).contains(p):
            throw SpotInterruptionError.badSelection("--percent must be from 1 to 100 (got \(p))")
        default: break
        }
        guard let seconds = Self.seconds(ofDuration: notice), (120...900).contains(seconds) else {
            throw SpotInterruptionError.badNotice(notice)
        }
        self.fleetTags = fleetTags
        self.selection = selection
        self.notice = notice
        self.roleArn = roleArn
    }

    /// A stable key for this template's settings, so an existing template can be reused.
    public var reuseKey: String {
        let tags = fleetTags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        return "\(tags)|\(selection.selectionMode)|\(notice)|\(roleArn)"
    }

    /// Tag marking templates blendbatch created; its value is a short hash of `reuseKey`.
    public static let reuseTag = "blendbatch:spot-template"

    public var reuseTagValue: String {
        // FNV-1a, 64 bit: stable across runs and platforms (Hasher is seeded per process).
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in reuseKey.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        return String(hash, radix: 16)
    }

    /// The CreateExperimentTemplate request.
    public func request(clientToken: String = UUID().uuidString) -> CreateExperimentTemplateRequest {
        CreateExperimentTemplateRequest(
            clientToken: clientToken,
            description: "blendbatch: interrupt \(selection) of the render fleet with \(notice) notice",
            targets: ["RenderSpotInstances": ExperimentTemplateTarget(
                resourceType: "aws:ec2:spot-instance", resourceTags: fleetTags,
                filters: [ExperimentTemplateTargetFilter(path: "State.Name", values: ["running"])],
                selectionMode: selection.selectionMode)],
            actions: ["InterruptSpot": ExperimentTemplateAction(
                actionId: spotInterruptionActionId, description: "Spot interruption notice, then reclaim",
                parameters: ["durationBeforeInterruption": notice],
                targets: ["SpotInstances": "RenderSpotInstances"])],
            roleArn: roleArn,
            tags: [Self.reuseTag: reuseTagValue, "Name": "blendbatch-spot-interruption"])
    }

    /// Seconds of an ISO 8601 duration made of hours, minutes and seconds (`PT1H`, `PT2M`, `PT90S`, `PT2M30S`).
    static func seconds(ofDuration text: String) -> Int? {
        guard text.hasPrefix("PT"), text.count > 2 else { return nil }
        var total = 0, number = ""
        for character in text.dropFirst(2) {
            if character.isASCII, character.isNumber { number.append(character); continue }
            guard let value = Int(number) else { return nil }
            switch character {
            case "H": total += value * 3600
            case "M": total += value * 60
            case "S": total += value
            default: return nil
            }
            number = ""
        }
        return number.isEmpty ? total : nil
    }
}
