"""Domain errors as HTTP answers with the chassis error body."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from accounts.domain.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from chassis.http import error_body

STATUS = {InvalidInput: 422, NotFound: 404, Conflict: 409, Forbidden: 403}


def status_of(error: DomainError) -> int:
    return STATUS.get(type(error), 400)


def install_domain_errors(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(_: Request, exc: DomainError) -> JSONResponse:
        details = [{"field": p.field, "message": p.message} for p in exc.problems]
        return JSONResponse(error_body(exc.code, exc.message, details), status_code=status_of(exc))
