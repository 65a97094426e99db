/// ThreadSanitizer's annotation functions, present only when the sanitizer's runtime is linked in.
@usableFromInline
struct ThreadSanitizerHooks: Sendable {
    @usableFromInline typealias Annotation = @convention(c) (UnsafeRawPointer?) -> Void

    @usableFromInline let acquire: Annotation
    @usableFromInline let release: Annotation

    @usableFromInline static let shared: ThreadSanitizerHooks? = {
        guard let acquire = PlatformProcess.symbol(named: "__tsan_acquire"),
            let release = PlatformProcess.symbol(named: "__tsan_release")
        else { return nil }
        return ThreadSanitizerHooks(
            acquire: unsafeBitCast(acquire, to: Annotation.self),
            release: unsafeBitCast(release, to: Annotation.self))
    }()
}
