#!/usr/bin/env python3
"""A real HTTP server on loopback for the notify tests: prints its port, answers POSTs with the
statuses given as argv[1] in turn (e.g. 500,503,200; the last repeats), and appends one JSON line
per request (path, Authorization, Content-Type, body) to the file argv[2]."""
import http.server, json, sys

statuses = [int(s) for s in sys.argv[1].split(",")]
log = sys.argv[2]

class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        with open(log, "a") as f:
            f.write(json.dumps({"path": self.path, "authorization": self.headers.get("Authorization"),
                                "type": self.headers.get("Content-Type"), "body": body}) + "\n")
        status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok" if status < 300 else b"busy")

    def log_message(self, *args):
        pass

server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
print(server.server_address[1], flush=True)
server.serve_forever()
