"""The demo activity's HTTP client: a service's error answer ends the step with its message."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from demo.activity.client import Service, ServiceError


class Refusing(BaseHTTPRequestHandler):
    """Answers like a Rapport service: 200 on /ok, a 422 error body anywhere else."""

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        sent = json.loads(self.rfile.read(length))
        if self.path == "/ok":
            self._answer(200, {"echo": sent})
        else:
            error = {"code": "invalid_visit", "message": "a visit on 2099-01-01 has not happened"}
            self._answer(422, {"error": {**error, "details": []}})

    def _answer(self, status: int, body: object) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def service() -> Iterator[Service]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Service("engagement", f"http://127.0.0.1:{server.server_address[1]}/")
    server.shutdown()
    server.server_close()


def test_an_answer_is_decoded(service: Service) -> None:
    assert service.post("/ok", {"amount": "10.00"}) == {"echo": {"amount": "10.00"}}


def test_an_error_answer_raises_with_the_services_message(service: Service) -> None:
    with pytest.raises(ServiceError) as raised:
        service.post("/api/v1/engagement/visits", {"occurred_on": "2099-01-01"})
    assert raised.value.status == 422
    assert raised.value.code == "invalid_visit"
    assert str(raised.value) == (
        f"engagement answered 422 to POST {service.base_url}/api/v1/engagement/visits:"
        " a visit on 2099-01-01 has not happened"
    )


def test_an_allowed_error_status_is_returned(service: Service) -> None:
    status, body = service.request("POST", "/missing", body={}, allow=(422,))
    assert status == 422
    assert body["error"]["code"] == "invalid_visit"


def test_a_service_that_does_not_answer_raises_without_a_status() -> None:
    with pytest.raises(ServiceError, match="did not answer") as raised:
        Service("complaints", "http://127.0.0.1:9").post("/api/v1/complaints/tickets", {})
    assert raised.value.status is None
