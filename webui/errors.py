"""Errors as users and programs should see them: JSON under /api, a page elsewhere.

Never a traceback: unexpected exceptions are logged and answered with a
generic 500 message.
"""

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.search import IndexMissing, InvalidRequest, OldIndex
from webui.admission import RETRY_AFTER_SECONDS, Overloaded

MESSAGES_VI = {
    404: "Không tìm thấy trang này.",
    405: "Phương thức không được hỗ trợ.",
    500: "Đã có lỗi xảy ra. Vui lòng thử lại sau.",
    503: "Chỉ mục chưa sẵn sàng: hãy chạy `timkiem rebuild`.",
}
OVERLOADED_VI = "Máy chủ đang bận. Vui lòng thử lại sau giây lát."


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(status: int, code: str, message: str, shown: str | None = None):
    """The error as JSON for programs, else a page showing ``shown`` (or the status's message)."""
    if wants_json():
        return jsonify(error={"code": code, "message": message}), status
    shown = shown or MESSAGES_VI.get(status) or f"Yêu cầu không hợp lệ: {message}"
    return render_template("error.html", status=status, message=shown), status


def register_error_handlers(app) -> None:
    @app.errorhandler(InvalidRequest)
    def invalid(exc):
        return error_response(400, exc.code, exc.message)

    @app.errorhandler(IndexMissing)
    def missing(exc):
        return error_response(503, "index_outdated" if isinstance(exc, OldIndex) else "index_missing", str(exc))

    @app.errorhandler(Overloaded)
    def overloaded(exc):
        body, status = error_response(503, "overloaded", f"the server is busy; retry in {RETRY_AFTER_SECONDS} s",
                                      OVERLOADED_VI)
        return body, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    @app.errorhandler(HTTPException)
    def http_error(exc):
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, code, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc):
        app.logger.exception("unexpected error on %s", request.path)
        return error_response(500, "internal_error", "internal error; the server log has the details")
