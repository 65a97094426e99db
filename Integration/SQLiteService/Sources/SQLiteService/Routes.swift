import Futures
import Hummingbird
import NIOPosix

/// The service's two endpoints.
///
/// - `GET /query?id=N`: the blocking SQLite aggregate over readings `N ..< N + window`, as JSON.
///   `400` for a missing or out-of-range id, `503` while the service shuts down, `500` with SQLite's
///   message if the query fails.
/// - `GET /health`: `ok`, blocking on nothing: how responsive the service is.
func makeRouter(queries: BlockingQueries, rows: Int) -> Router<BasicRequestContext> {
    let router = Router()
    router.get("health") { _, _ in
        "ok"
    }
    router.get("query") { request, _ -> Response in
        guard let id = request.uri.queryParameters.get("id", as: Int.self), (0..<rows).contains(id) else {
            throw HTTPError(.badRequest, message: "id must be an integer in 0..<\(rows)")
        }
        let summary: WindowSummary
        do {
            summary = try await queries.summary(from: id)
        } catch let error as ExecutorError {
            throw HTTPError(.serviceUnavailable, message: "the query pool is not running: \(error)")
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw HTTPError(.serviceUnavailable, message: "the query pool is not running")
        } catch let error as SQLiteError {
            throw HTTPError(.internalServerError, message: error.description)
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: summary.json)))
    }
    return router
}
