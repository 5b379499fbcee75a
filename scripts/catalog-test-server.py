#!/usr/bin/env python3
"""A small HTTP server for the tests of `rolecheck catalog update` (Tests/RoleCheckKitTests/
CatalogUpdateTests.swift). Never used by rolecheck itself. Python 3 standard library only.

Usage: python3 scripts/catalog-test-server.py DIR

Listens on 127.0.0.1 on a port the system picks and prints that port on the first line of standard
output. Serves the files below DIR, read at each request (a test may write files after the start),
and a few misbehaving paths:

  /_endless         200 with no Content-Length, then bytes until the client hangs up
  /_slow            waits 30 seconds before answering
  /_redirect-away   302 to another host
  /_status/NNN      answers with status NNN

Stops when its standard input closes or on SIGTERM.
"""
import functools
import http.server
import sys
import threading
import time


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet: the tests read their own output
        pass

    def do_GET(self):
        if self.path == "/_endless":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"[" + b" " * 65535
            try:
                while True:
                    self.wfile.write(chunk)
                    chunk = b" " * 65536
            except (BrokenPipeError, ConnectionResetError):
                return
        if self.path == "/_slow":
            time.sleep(30)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"[]")
            return
        if self.path == "/_redirect-away":
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.2:9/elsewhere.json")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path.startswith("/_status/"):
            code = int(self.path.rsplit("/", 1)[1])
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()


def main(argv) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    handler = functools.partial(Handler, directory=argv[0])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sys.stdin.read()  # until the test closes our standard input (or ends)
    except KeyboardInterrupt:
        pass
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
