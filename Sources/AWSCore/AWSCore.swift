/// AWSCore — see README "Architecture".
public enum AWSCoreModule {}
