import AWSCore

/// S3's answers are read with the shared AWS XML helpers.
typealias S3XML = AWSXML
