import Foundation

/// Why a store operation failed. Each case names the location so the message stands alone.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case badLocation(String, reason: String)
    case notFound(String)
    case keyEscapesRoot(String)
    case io(String, reason: String)

    public var description: String {
        switch self {
        case .badLocation(let text, let reason): return "\(text): \(reason)"
        case .notFound(let url): return "\(url): no such object"
        case .keyEscapesRoot(let key): return "\(key): key would escape the store's folder"
        case .io(let url, let reason): return "\(url): \(reason)"
        }
    }
}
