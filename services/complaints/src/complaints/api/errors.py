"""Domain refusals as uniform error bodies: the request changed nothing."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from chassis.http import error_body
from complaints.domain.errors import ClockRefused, ComplaintError, InvalidInput, InvalidTransition
from complaints.service_layer.handlers import NoActivePolicy, NotFound, UnknownAccount

STATUS: dict[type[ComplaintError], int] = {
    NotFound: 404,
    UnknownAccount: 422,
    InvalidInput: 422,
    InvalidTransition: 409,
    ClockRefused: 409,
    NoActivePolicy: 409,
}


def status_of(error: ComplaintError) -> int:
    return next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)


def install_complaint_errors(app: FastAPI) -> None:
    @app.exception_handler(ComplaintError)
    async def _refused(_: Request, exc: ComplaintError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message), status_code=status_of(exc))
