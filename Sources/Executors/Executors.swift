/// Executors — see README "Architecture".
public enum ExecutorsModule {}
