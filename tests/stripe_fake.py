"""A small fake of the Stripe API on 127.0.0.1, for tests and the benchmark.

It speaks Stripe's wire format (form-encoded requests, JSON objects and errors) for the
endpoints Pilot Grants uses: create and retrieve accounts, create account links, create
transfers. It honours Idempotency-Key the way Stripe does: a repeated key with the same
parameters replays the first response; with different parameters it is an
idempotency_error. Faults can be queued per endpoint: "500", "429", "card_error",
"timeout" (the request is carried out, then the response comes too late) and
"disconnect" (the connection drops before the request is carried out)."""

import contextlib
import json
import re
import secrets
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


def _nest(pairs) -> dict:
    """Stripe's form encoding: metadata[stipend]=1 → {"metadata": {"stipend": "1"}}."""
    result: dict = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return result


def _error(status, kind, message, code=None):
    error = {"type": kind, "message": message}
    if code:
        error["code"] = code
    return status, {"error": error}


class FakeStripe:
    def __init__(self, *, timeout_delay: float = 1.5):
        self.accounts: dict[str, dict] = {}
        self.transfers: dict[str, dict] = {}
        self.links: list[dict] = []
        self.idempotent: dict[str, tuple] = {}
        self.faults: dict[str, list[str]] = {}
        self.requests: list[tuple[str, str, str | None]] = []
        self.timeout_delay = timeout_delay
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeStripe":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, endpoint: str, *faults: str) -> None:
        """Queue faults for the next requests to ``endpoint`` ("transfers", "accounts")."""
        with self.lock:
            self.faults.setdefault(endpoint, []).extend(faults)

    def set_transfers(self, account_id: str, active: bool, *, due=("external_account",)) -> dict:
        """Change an account's transfers capability, as onboarding would."""
        account = self.accounts[account_id]
        account["capabilities"]["transfers"] = "active" if active else "inactive"
        account["requirements"]["currently_due"] = [] if active else list(due)
        account["payouts_enabled"] = active
        return account

    def add_account(self, *, active: bool = True, email: str = "payee@example.org") -> dict:
        account_id = f"acct_{secrets.token_hex(8)}"
        self.accounts[account_id] = {
            "id": account_id,
            "object": "account",
            "type": "express",
            "email": email,
            "capabilities": {"transfers": "inactive"},
            "requirements": {"currently_due": [], "disabled_reason": None},
            "charges_enabled": False,
            "payouts_enabled": False,
            "metadata": {},
        }
        return self.set_transfers(account_id, active)

    def reverse(self, transfer_id: str) -> dict:
        transfer = self.transfers[transfer_id]
        transfer["amount_reversed"] = transfer["amount"]
        transfer["reversed"] = True
        return transfer

    def transfers_for(self, key: str, value: str) -> list[dict]:
        return [t for t in self.transfers.values() if t["metadata"].get(key) == value]

    # Request handling --------------------------------------------------------------------

    def _handle(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        now = int(time.time())
        if method == "POST" and path == "/v1/accounts":
            account = self.add_account(active=False, email=params.get("email", ""))
            account["metadata"] = params.get("metadata", {})
            self.set_transfers(account["id"], False, due=("external_account", "tos_acceptance"))
            return 200, account
        match = re.fullmatch(r"/v1/accounts/(acct_\w+)", path)
        if method == "GET" and match:
            account = self.accounts.get(match.group(1))
            if account is None:
                return _error(404, "invalid_request_error", "No such account", "resource_missing")
            return 200, account
        if method == "POST" and path == "/v1/account_links":
            if params.get("account") not in self.accounts:
                return _error(400, "invalid_request_error", "No such account", "resource_missing")
            link = {
                "object": "account_link",
                "created": now,
                "expires_at": now + 300,
                "url": f"{self.url}/onboarding/{params['account']}",
            }
            self.links.append({**link, **params})
            return 200, link
        if method == "POST" and path == "/v1/transfers":
            destination = self.accounts.get(params.get("destination"))
            if destination is None:
                return _error(
                    400, "invalid_request_error", "No such destination", "resource_missing"
                )
            if destination["capabilities"]["transfers"] != "active":
                return _error(
                    400,
                    "invalid_request_error",
                    "Your destination account needs to have at least one of the following "
                    "capabilities enabled: transfers, crypto_transfers, legacy_payments",
                    "insufficient_capabilities_for_transfer",
                )
            amount = params.get("amount", "")
            if not amount.isdigit() or int(amount) <= 0:
                return _error(400, "invalid_request_error", "Invalid integer: amount")
            transfer = {
                "id": f"tr_{secrets.token_hex(8)}",
                "object": "transfer",
                "amount": int(amount),
                "amount_reversed": 0,
                "currency": params.get("currency", "usd"),
                "destination": destination["id"],
                "metadata": params.get("metadata", {}),
                "transfer_group": params.get("transfer_group"),
                "reversed": False,
                "created": now,
            }
            self.transfers[transfer["id"]] = transfer
            return 200, transfer
        return _error(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path})")

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                # Headers and body go out in separate writes; without this, Nagle's
                # algorithm and delayed ACKs add 40 ms to every kept-alive request.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _reply(self, status: int, body: dict, headers=()):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{secrets.token_hex(6)}")
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _serve(self, method):
                path, _, query = self.path.partition("?")
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else query
                params = _nest(parse_qsl(raw, keep_blank_values=True))
                key = self.headers.get("Idempotency-Key")
                with fake.lock:
                    fake.requests.append((method, path, key))
                if not (self.headers.get("Authorization") or "").startswith("Bearer sk_"):
                    return self._reply(*_error(401, "invalid_request_error", "Invalid API Key"))
                endpoint = path.split("/")[2] if path.count("/") >= 2 else ""
                with fake.lock:
                    queue = fake.faults.get(endpoint) or []
                    fault = queue.pop(0) if queue else None
                if fault == "500":
                    return self._reply(*_error(500, "api_error", "Something went wrong."))
                if fault == "429":
                    return self._reply(
                        *_error(429, "invalid_request_error", "Too many requests.", "rate_limit")
                    )
                if fault == "card_error":
                    return self._reply(
                        *_error(402, "card_error", "Your card was declined.", "card_declined")
                    )
                if fault == "disconnect":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return None
                with fake.lock:
                    if method == "POST" and key and key in fake.idempotent:
                        first_path, first_params, status, body = fake.idempotent[key]
                        if (first_path, first_params) != (path, params):
                            result = _error(
                                400,
                                "idempotency_error",
                                "Keys for idempotent requests can only be used with the same "
                                "parameters they were first used with.",
                            )
                            return self._reply(*result)
                        return self._reply(status, body, [("Idempotent-Replayed", "true")])
                    status, body = fake._handle(method, path, params)
                    if method == "POST" and key and status < 500:
                        fake.idempotent[key] = (path, params, status, body)
                if fault == "timeout":
                    # Stripe has done the work; the answer arrives after the client gave up.
                    time.sleep(fake.timeout_delay)
                    with contextlib.suppress(OSError):
                        self._reply(status, body)
                    return None
                return self._reply(status, body)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

        return Handler


def event(event_type: str, obj: dict, *, created: int | None = None) -> dict:
    """A Stripe event envelope around ``obj``."""
    return {
        "id": f"evt_{secrets.token_hex(8)}",
        "object": "event",
        "type": event_type,
        "created": created or int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def signature(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe would send for ``payload``."""
    import stripe

    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
