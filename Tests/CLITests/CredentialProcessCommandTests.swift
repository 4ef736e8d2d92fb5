import Foundation
import Testing

/// `blendbatch store` with nothing but a `credential_process` profile (no keys in the environment).
@Suite("blendbatch store with credential_process", .serialized)
struct CredentialProcessCommandTests {
    let store = StoreCommandTests()

    /// A temp folder holding `helper.sh` (`body` after `#!/bin/sh`) and a config whose profile `studio` runs it.
    func profileFolder(helper body: String) throws -> String {
        let folder = try store.tempFolder()
        try "#!/bin/sh\n\(body)\n".write(toFile: folder + "/helper.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder + "/helper.sh")
        try "[profile studio]\ncredential_process = \(folder)/helper.sh --for \"blend batch\"\nregion = us-east-1\n"
            .write(toFile: folder + "/config", atomically: true, encoding: .utf8)
        return folder
    }

    /// The environment of a run that has only the profile: the store tests' keys removed.
    func profileOnly(_ folder: String) -> [String: String] {
        ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_DEFAULT_REGION": "",
         "AWS_CONFIG_FILE": folder + "/config", "AWS_SHARED_CREDENTIALS_FILE": folder + "/none", "AWS_PROFILE": "studio"]
    }

    @Test("store ls works against moto with only a credential_process profile", .requires(.moto))
    func listWithHelper() throws {
        let bucket = try store.makeBucket()
        let folder = try profileFolder(helper: """
            [ "$2" = "blend batch" ] || { echo "bad argument: $2" >&2; exit 2; }
            touch "$(dirname "$0")/ran"
            echo '{"Version": 1, "AccessKeyId": "AKIAPROCESSHELPER01", "SecretAccessKey": "helper-secret", "SessionToken": "helper-token"}'
            """)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "frame".write(toFile: folder + "/f.png", atomically: true, encoding: .utf8)
        let up = try store.run(["store", "cp", folder + "/f.png", "s3://\(bucket)/job/"], env: profileOnly(folder))
        #expect(up.status == 0, "\(up.stderr)")
        let ls = try store.run(["store", "ls", "s3://\(bucket)/"], env: profileOnly(folder))
        #expect(ls.status == 0, "\(ls.stderr)")
        #expect(ls.stdout.contains("job/f.png"))
        #expect(FileManager.default.fileExists(atPath: folder + "/ran"))
    }

    @Test("a failing helper: exit 76 and one line naming the profile and the helper's message")
    func failingHelper() throws {
        let folder = try profileFolder(helper: "echo 'not logged in: run studio-login' >&2; exit 1")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try store.run(["store", "ls", "s3://bb-credproc-bucket/"], env: profileOnly(folder))
        #expect(result.status == 76)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("credential_process of profile 'studio'"))
        #expect(result.stderr.contains("exited with code 1: not logged in: run studio-login"))
    }
}
