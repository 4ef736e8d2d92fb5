import AWSCore
import AWSServices
import Executors
import Foundation
import RenderPlan

/// The AWS client every AWS command uses: region, credentials and endpoints resolved as the AWS CLI does.
func makeAWSClient() -> AWSClient { AWSClient(configuration: .resolve()) }

/// The end of a command that met an AWS failure: one line saying what was asked, what AWS said,
/// what to do. A `CommandEnd` passes through unchanged.
func awsEnd(_ error: any Error, doing what: String) -> CommandEnd {
    switch error {
    case let end as CommandEnd:
        return end
    case let error as AWSBatchError:
        return CommandEnd(error.exitCode, error.description)
    case let error as AWSError where error.statusCode == 403 || error.code.contains("AccessDenied") || error.code == "UnauthorizedOperation":
        return CommandEnd(.storeError, "\(what): permission denied (\(error.code)\(error.message.isEmpty ? "" : ": \(error.message)")); "
            + "attach the stack's OperatorPolicy (output OperatorPolicyArn) to your user or role")
    case let error as AWSError where ["UnrecognizedClientException", "InvalidClientTokenId", "InvalidAccessKeyId",
                                       "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException"].contains(error.code):
        return CommandEnd(.storeError, "\(what): AWS refused the credentials (\(error.code)); check AWS_PROFILE / AWS_ACCESS_KEY_ID or run `aws sso login`")
    default:
        return CommandEnd(.failure, "\(what): \(error)")
    }
}
