import Crypto
import Foundation

/// SigV4 stage 3: derive the signing key and sign the string to sign.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#derive-signing-key
enum SigV4Signature {
    /// `kDate → kRegion → kService → kSigning`.
    static func signingKey(secret: String, scope: CredentialScope) -> SymmetricKey {
        let kDate = hmac(SymmetricKey(data: Data("AWS4\(secret)".utf8)), scope.date)
        let kRegion = hmac(kDate, scope.region)
        let kService = hmac(kRegion, scope.service)
        return hmac(kService, "aws4_request")
    }

    /// Lower-case hex HMAC-SHA256 of the string to sign.
    static func sign(_ stringToSign: String, key: SymmetricKey) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key).hexString
    }

    /// The `Authorization` header value.
    static func authorization(accessKeyId: String, scope: CredentialScope, signedHeaders: String, signature: String) -> String {
        "AWS4-HMAC-SHA256 Credential=\(accessKeyId)/\(scope.text), SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    private static func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
        SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)))
    }
}
