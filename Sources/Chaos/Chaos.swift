/// Chaos — see README "Architecture".
public enum ChaosModule {}
