# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Loopback-only test servers: a throwaway nginx, a page server that follows the session page contract and a shop.

Shared by the unit tests and the benchmarks (scripts/bench_probe.py, bench_load.py). Everything binds 127.0.0.1
(or ::1); nothing else.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

NGINX = os.environ.get("SESSIONLAB_NGINX", "/usr/sbin/nginx")
NGINX_HINT = "install it with 'apt-get install -y nginx-light' (Debian 12) or set SESSIONLAB_NGINX / --nginx"


def free_port(host="127.0.0.1"):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_for_port(port, host="127.0.0.1", timeout=10.0, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening on {host}:{port}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {host}:{port} after {timeout}s")


class Nginx:
    """Run the system nginx in the foreground (no master, no daemon) with everything in a temp directory.

    http_block is the content of the http {} block; the temp paths, pid and logs are added here. binary has no
    default: the unit tests take it from the nginx_binary fixture, which only tests marked nginx may use.
    """

    def __init__(self, http_block, binary):
        self.binary = binary
        self.http_block = http_block
        self.prefix = None
        self.process = None

    def __enter__(self):
        if not (os.path.isfile(self.binary) and os.access(self.binary, os.X_OK)):
            raise FileNotFoundError(f"nginx not found at {self.binary}: {NGINX_HINT}")
        self.prefix = tempfile.mkdtemp(prefix="sessionlab-nginx-")
        p = self.prefix
        conf = os.path.join(p, "nginx.conf")
        with open(conf, "w", encoding="utf-8") as handle:
            handle.write(
                f"worker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/error.log info;\n"
                "events { worker_connections 1024; }\n"
                "http {\n  access_log off;\n"
                f"  client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n"
                f"  fastcgi_temp_path {p}/fastcgi;\n  uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n"
                f"{self.http_block}\n}}\n"
            )
        check = subprocess.run(
            [self.binary, "-t", "-p", p, "-c", conf, "-e", f"{p}/error.log"],
            capture_output=True,
            text=True,
            check=False,
        )
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [self.binary, "-p", p, "-c", conf, "-e", f"{p}/error.log", "-g", "daemon off; master_process off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self

    def wait(self, *ports, host="127.0.0.1"):
        for port in ports:
            wait_for_port(port, host=host, process=self.process)

    def error_log(self):
        with open(os.path.join(self.prefix, "error.log"), encoding="utf-8", errors="replace") as handle:
            return handle.read()

    def __exit__(self, *exc_info):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.prefix:
            shutil.rmtree(self.prefix, ignore_errors=True)


@contextlib.contextmanager
def trickling_server(seconds=6.0):
    """A server on 127.0.0.1 that answers one request with a status line, then a header line every 0.1 s.

    Trickling header bytes defeats per-read timeouts: only a run's own deadline ends such a request.
    Yields the port; the server sends for at most seconds.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)

    def trickle():
        try:
            conn, _addr = listener.accept()
        except OSError:
            return
        with conn:
            try:
                conn.recv(4096)
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                for _poll in range(int(seconds * 10)):
                    conn.sendall(b"X-Slow: 1\r\n")
                    time.sleep(0.1)
            except OSError:
                pass

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        thread.join(timeout=seconds + 5)


def http_get(host, port, path="/", source=None, timeout=5.0):
    """A minimal HTTP/1.0 GET from a chosen source address; returns (status, body)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        if source:
            sock.bind((source, 0))
        sock.connect((host, port))
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: test\r\n\r\n".encode("ascii"))
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    head, _sep, body = b"".join(chunks).partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, body.decode("utf-8", errors="replace")


class _Server(ThreadingHTTPServer):
    # Tomcat's acceptCount is 100. socketserver's backlog of 5 overflowed when nginx opened upstream connections
    # in a burst (ListenOverflows in /proc/net/netstat), and every dropped SYN was a 1 s retry: a missed slot.
    request_queue_size = 128


class PageServer:
    """Threaded HTTP server on 127.0.0.1 that follows the session page contract, like Tomcat + session_app.

    /index.jsp (HTML) and /session.jsp (JSON) count requests per session. A request whose JSESSIONID suffix
    differs from self.route gets its ID rewritten to base.route with a new cookie (JvmRouteBinderValve).
    Knobs: route/name (which "node" answers), fail_next (answer 503 that many times), forget_sessions()
    (no replication: the next request starts a new session), /redirect (302 + cookie), /garbage (no contract).
    For load tests: delay_next requests wait delay seconds before answering; close_next requests get the
    connection closed without a response (applied first when close_applies, i.e. the counter went up but the
    client never heard); stale_next requests to an existing session are answered from a stale copy (the
    counter does not go up: the update is lost).
    """

    def __init__(self, name="backend1.test", route="tomcat1", ssl_context=None):
        self.name = name
        self.route = route
        self.ssl_context = ssl_context  # a server-side ssl.SSLContext: serve https
        self.fail_next = 0
        self.delay_next = 0
        self.delay = 0.0
        self.close_next = 0
        self.close_applies = False
        self.stale_next = 0
        self.sessions = {}
        self.requests = 0
        self.lock = threading.Lock()
        self.httpd = None
        self.thread = None
        self.port = None

    @property
    def base_url(self):
        return f"{'https' if self.ssl_context else 'http'}://127.0.0.1:{self.port}"

    def forget_sessions(self):
        with self.lock:
            self.sessions.clear()

    def take_faults(self):
        """(delay in s, close without response) for the next request, counting delay_next and close_next down."""
        with self.lock:
            delay = 0.0
            if self.delay_next > 0:
                self.delay_next -= 1
                delay = self.delay
            close = self.close_next > 0
            if close:
                self.close_next -= 1
            return delay, close

    def respond(self, method, path, headers, body):
        """Return (status, headers, body) for any request: the page answers GET and HEAD only."""
        if method not in ("GET", "HEAD"):
            return 405, [("Allow", "GET, HEAD"), ("Content-Type", "text/plain")], "Method Not Allowed"
        return self.handle(path.split("?")[0], headers.get("Cookie"))

    def handle(self, path, cookie_header):
        """Return (status, headers, body) for a request; the session logic lives here."""
        with self.lock:
            self.requests += 1
            if self.fail_next > 0:
                self.fail_next -= 1
                return 503, [("Content-Type", "text/plain")], "Service Unavailable"
            if path == "/redirect":
                return 302, [("Location", "/index.jsp"), ("Set-Cookie", "seen=1; Path=/")], ""
            if path == "/garbage":
                return 200, [("Content-Type", "text/html")], "<html><body>It works!</body></html>"
            if path not in ("/index.jsp", "/session.jsp", "/"):
                return 404, [("Content-Type", "text/plain")], "Not Found"
            cookies = {}
            for part in (cookie_header or "").split(";"):
                key, _sep, value = part.strip().partition("=")
                if key:
                    cookies[key] = value
            headers = []
            base, _dot, suffix = cookies.get("JSESSIONID", "").partition(".")
            if base in self.sessions:
                if self.stale_next > 0:
                    self.stale_next -= 1
                else:
                    self.sessions[base] += 1
                if suffix != self.route:
                    headers.append(("Set-Cookie", f"JSESSIONID={base}.{self.route}; Path=/; HttpOnly"))
            else:
                base = uuid.uuid4().hex.upper()
                self.sessions[base] = 1
                headers.append(("Set-Cookie", f"JSESSIONID={base}.{self.route}; Path=/; HttpOnly"))
            session_id = f"{base}.{self.route}"
            count = self.sessions[base]
            now = time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime())
            addr = f"127.0.0.1:{self.port}"
            if path == "/session.jsp":
                headers.append(("Content-Type", "application/json"))
                body = json.dumps(
                    {
                        "server": self.name,
                        "addr": addr,
                        "session_id": session_id,
                        "jvm_route": self.route,
                        "count": count,
                        "time": now,
                    }
                )
            else:
                headers.append(("Content-Type", "text/html;charset=UTF-8"))
                body = (
                    "<html><head><title>Session test</title></head><body>\n"
                    f'<div>On <span id="server-name">{self.name}</span></div>\n'
                    f'<div id="server-addr">{addr}</div>\n'
                    f'<div>SessionID = <span style="color:blue" id="session-id">{session_id}</span></div>\n'
                    f'<div>jvmRoute = <span id="jvm-route">{self.route}</span></div>\n'
                    f"<div>count = <span id='session-count'>{count}</span></div>\n"
                    f'<div id="server-time">{now}</div>\n</body></html>\n'
                )
            return 200, headers, body

    def __enter__(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are two writes: avoid the 40 ms delayed-ACK stall

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                request_body = self.rfile.read(length) if length else b""
                delay, close = server.take_faults()
                if delay:
                    time.sleep(delay)
                if close and not server.close_applies:
                    self.close_connection = True
                    return
                status, headers, body = server.respond(self.command, self.path, self.headers, request_body)
                if close:
                    self.close_connection = True
                    return
                data = body.encode("utf-8")
                try:
                    self.send_response(status)
                    for key, value in headers:
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    self.close_connection = True

            # http.server calls do_<METHOD>; every method goes through respond().
            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _answer

            def log_message(self, *args):  # keep test output clean
                pass

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if self.ssl_context is not None:
            # The handshake happens on the first read, in the handler thread, not in accept().
            self.httpd.socket = self.ssl_context.wrap_socket(
                self.httpd.socket, server_side=True, do_handshake_on_connect=False
            )
            # A client that rejects the certificate fails the handshake: expected, not worth a traceback.
            self.httpd.handle_error = lambda request, client_address: None
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


# The steps of a shopper (see ShopServer): log in once, then add to the cart (JSON) and view it (HTML), over and over.
SHOP_LOGIN_PAGE = {"name": "login page", "path": "/login", "once": True}
SHOP_LOGIN = {
    "name": "login",
    "method": "POST",
    "path": "/login",
    "form": {"user": "u{user}"},
    "status": 303,
    "once": True,
}
SHOP_ADD = {
    "name": "add",
    "method": "POST",
    "path": "/cart/add",
    "json": {"qty": 1},
    "state": {"key": "items", "json": "/cart/items", "expect": "grow", "by": 1},
}
SHOP_VIEW = {
    "name": "view",
    "path": "/cart",
    "state": {"key": "items", "regex": r'id="items">(\d+)<', "expect": "persist"},
}
SHOP_FLOW = [SHOP_LOGIN, SHOP_ADD, SHOP_VIEW]


class ShopServer(PageServer):
    """A shop on 127.0.0.1 with a login and a cart kept in the session, like an application behind a balancer.

    GET /login: the login page (starts a session). POST /login (form user=NAME): logs in and changes the session
    ID, keeping the session (as Tomcat does on authentication), then 303 to /cart. POST /cart/add (JSON
    {"qty": n}, default 1): adds to the cart and answers JSON {"user": NAME, "cart": {"items": N}}. GET /cart:
    HTML with <span id="items">N</span> and the user's name. A request without a logged-in session is sent to
    /login (302); one whose session is unknown gets a new session first (Set-Cookie), as form authentication does.
    Every answer names the server in X-Served-By (address:port, like nginx's $upstream_addr) unless served_by is
    None, and the session ID ends in .route (rewritten like the JvmRouteBinderValve when the route changes).
    Knobs: forget_sessions() (a failover without replication), lose_next (adds answered but not kept: lost
    updates), close_next with close_applies (an add applied without an answer), fail_next (503).
    """

    def __init__(self, name="backend1.test", route="tomcat1", ssl_context=None):
        super().__init__(name=name, route=route, ssl_context=ssl_context)
        self.served_by = ""  # "" names 127.0.0.1:port; None sends no X-Served-By
        self.lose_next = 0
        self.logins = []

    def _session(self, cookie_header, headers):
        """(base, session dict) of the request's JSESSIONID; a new session (with its cookie) when it is unknown."""
        cookies = {}
        for part in (cookie_header or "").split(";"):
            key, _sep, value = part.strip().partition("=")
            if key:
                cookies[key] = value
        base, _dot, suffix = cookies.get("JSESSIONID", "").partition(".")
        if base not in self.sessions:
            base = uuid.uuid4().hex.upper()
            self.sessions[base] = {"user": None, "items": 0}
        elif suffix == self.route:
            return base, self.sessions[base]
        headers.append(("Set-Cookie", f"JSESSIONID={base}.{self.route}; Path=/; HttpOnly"))
        return base, self.sessions[base]

    def respond(self, method, path, headers, body):
        with self.lock:
            self.requests += 1
            answer = [("X-Served-By", self.served_by or f"127.0.0.1:{self.port}")] if self.served_by is not None else []
            if self.fail_next > 0:
                self.fail_next -= 1
                return 503, answer + [("Content-Type", "text/plain")], "Service Unavailable"
            path = path.split("?")[0]
            base, session = self._session(headers.get("Cookie"), answer)
            if path == "/login" and method in ("GET", "HEAD"):
                return 200, answer + [("Content-Type", "text/html")], "<form method=post>user: <input name=user></form>"
            if path == "/login" and method == "POST":
                user = parse_qs(body.decode("utf-8")).get("user", [""])[0]
                if not user:
                    return 400, answer + [("Content-Type", "text/plain")], "no user"
                # A new session ID at login, the session kept (Tomcat's changeSessionIdOnAuthentication).
                new = uuid.uuid4().hex.upper()
                self.sessions[new] = self.sessions.pop(base)
                self.sessions[new]["user"] = user
                self.logins.append(user)
                answer = [h for h in answer if h[0] != "Set-Cookie"]
                answer.append(("Set-Cookie", f"JSESSIONID={new}.{self.route}; Path=/; HttpOnly"))
                return 303, answer + [("Location", "/cart")], ""
            if not path.startswith("/cart"):
                return 404, answer + [("Content-Type", "text/plain")], "Not Found"
            if session["user"] is None:
                return 302, answer + [("Location", "/login")], ""
            if path == "/cart/add" and method == "POST":
                qty = json.loads(body or b"{}").get("qty", 1)
                items = session["items"] + qty
                if self.lose_next > 0:
                    self.lose_next -= 1
                else:
                    session["items"] = items
                data = json.dumps({"user": session["user"], "cart": {"items": items}})
                return 200, answer + [("Content-Type", "application/json")], data
            if path == "/cart" and method in ("GET", "HEAD"):
                page = f'<p>{session["user"]}: <span id="items">{session["items"]}</span> items</p>'
                return 200, answer + [("Content-Type", "text/html;charset=UTF-8")], page
            return 405, answer + [("Content-Type", "text/plain")], "Method Not Allowed"
