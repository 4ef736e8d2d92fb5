/// AWSServices — see README "Architecture".
public enum AWSServicesModule {}
