/// When ``wait(_:timeout:returnWhen:)-72rj2`` returns.
public enum ReturnWhen: Sendable {
    /// When any future is done (finished or cancelled).
    case firstCompleted
    /// When any future finishes with an error; if none does, when all are done. A cancelled future is
    /// not an error.
    case firstException
    /// When every future is done.
    case allCompleted
}
