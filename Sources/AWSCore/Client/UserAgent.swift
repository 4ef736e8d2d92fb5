/// What every AWS request says it comes from: S3 server access logs and CloudTrail show it, so a
/// studio can tell blendbatch's traffic (and its version) from everything else on the account.
public enum UserAgent {
    /// blendbatch's version; `blendbatch --version` prints the same.
    public static let version = "0.1.0"
    /// The `User-Agent` header (unsigned, as AWS's SDKs send it).
    public static let header = "blendbatch/\(version) os/linux"
}
