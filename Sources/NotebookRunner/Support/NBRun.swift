/// Facts about this build of nbrun.
public enum NBRun {
    /// The version printed by `nbrun --version` and in every report.
    public static let version = "0.1.0"
}
