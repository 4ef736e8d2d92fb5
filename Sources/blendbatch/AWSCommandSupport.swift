import AWSCore
import AWSServices
import Executors
import Foundation
import RenderPlan

/// The AWS client every AWS command uses: region, credentials and endpoints resolved as the AWS CLI does.
func makeAWSClient() -> AWSClient { AWSClient(configuration: .resolve()) }

/// Exit with a one-line message for an AWS failure: what was asked, what AWS said, what to do.
func failAWS(_ error: any Error, doing what: String) -> Never {
    switch error {
    case let error as AWSBatchError:
        fail(error.exitCode, error.description)
    case let error as AWSError where error.statusCode == 403 || error.code.contains("AccessDenied") || error.code == "UnauthorizedOperation":
        fail(.storeError, "\(what): permission denied (\(error.code)\(error.message.isEmpty ? "" : ": \(error.message)")); "
            + "attach the stack's OperatorPolicy (output OperatorPolicyArn) to your user or role")
    case let error as AWSError where ["UnrecognizedClientException", "InvalidClientTokenId", "InvalidAccessKeyId",
                                       "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException"].contains(error.code):
        fail(.storeError, "\(what): AWS refused the credentials (\(error.code)); check AWS_PROFILE / AWS_ACCESS_KEY_ID or run `aws sso login`")
    case let error as AWSError:
        fail(.failure, "\(what): \(error)")
    default:
        fail(.failure, "\(what): \(error)")
    }
}
