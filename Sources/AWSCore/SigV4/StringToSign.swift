import Foundation

/// The credential scope: `20150830/us-east-1/service/aws4_request`.
struct CredentialScope: Equatable {
    var date: String
    var region: String
    var service: String

    var text: String { "\(date)/\(region)/\(service)/aws4_request" }
}

/// SigV4 stage 2: the string to sign.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-string-to-sign
func stringToSign(canonicalRequestHash: String, timestamp: String, scope: CredentialScope) -> String {
    "AWS4-HMAC-SHA256\n\(timestamp)\n\(scope.text)\n\(canonicalRequestHash)"
}

/// `yyyyMMdd'T'HHmmss'Z'` and `yyyyMMdd` in UTC, the two forms SigV4 uses.
struct SigV4Timestamp: Equatable {
    var long: String
    var short: String { String(long.prefix(8)) }

    init(_ date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        long = String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// Parse `20150830T123600Z`.
    init?(parsing text: String) {
        guard text.count == 16, text.dropFirst(8).first == "T", text.last == "Z" else { return nil }
        long = text
    }
}
