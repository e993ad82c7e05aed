#!/usr/bin/env python3
"""CI-only stand-in for Mailpit: an SMTP sink on :1025 and the part of Mailpit's HTTP API on :8025 that
deploy/ci/compose-smoke reads. Messages are kept in memory.

  GET    /api/v1/messages?start=N&limit=N   {"total", "count", "start", "messages": [{"ID", "MessageID", "From",
                                            "To", "Subject", "Created", "Size"}]}, newest first, like Mailpit
  DELETE /api/v1/messages                   deletes every message
  GET    /readyz, /livez                    200
  mailsink.py readyz                        exit 0 when the HTTP API answers (the image's /mailpit readyz)
"""
import email
import email.policy
import email.utils
import json
import socketserver
import sys
import threading
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

messages = []
lock = threading.Lock()


def address(value):
    name, addr = email.utils.parseaddr(value or "")
    return {"Name": name, "Address": addr}


def store(raw):
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    entry = {
        "ID": uuid.uuid4().hex,
        "MessageID": (parsed.get("Message-ID") or "").strip("<> "),
        "From": address(parsed.get("From")),
        "To": [address(a) for a in parsed.get_all("To", [])],
        "Subject": str(parsed.get("Subject") or ""),
        "Created": datetime.now(timezone.utc).isoformat(),
        "Size": len(raw),
    }
    with lock:
        messages.append(entry)


class Smtp(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        self.reply("220 mailsink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode(errors="replace").strip().split(" ")[0].upper()
            if verb == "EHLO":
                self.reply("250-mailsink")
                self.reply("250-8BITMIME")
                self.reply("250 SIZE 10485760")
            elif verb in ("HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                body = bytearray()
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    body += chunk[1:] if chunk.startswith(b"..") else chunk
                store(bytes(body))
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class Api(BaseHTTPRequestHandler):
    def send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path in ("/readyz", "/livez"):
            self.send(200, "ok")
        elif url.path == "/api/v1/messages":
            start = int(query.get("start", ["0"])[0])
            limit = int(query.get("limit", ["50"])[0])
            with lock:
                newest_first = list(reversed(messages))
            page = newest_first[start:start + limit]
            self.send(200, {"total": len(newest_first), "unread": len(newest_first), "count": len(page),
                            "messages_count": len(newest_first), "start": start, "tags": [], "messages": page})
        else:
            self.send(404, {"error": "not found"})

    def do_DELETE(self):
        if urllib.parse.urlparse(self.path).path == "/api/v1/messages":
            with lock:
                messages.clear()
            self.send(200, "ok")
        else:
            self.send(404, {"error": "not found"})

    def log_message(self, *args):
        pass


class SmtpServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


if __name__ == "__main__":
    if sys.argv[1:] == ["readyz"]:
        with urllib.request.urlopen("http://127.0.0.1:8025/readyz", timeout=2) as r:
            sys.exit(0 if r.status == 200 else 1)
    smtp = SmtpServer(("0.0.0.0", 1025), Smtp)
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    print("mailsink: SMTP on :1025, Mailpit API subset on :8025", flush=True)
    ThreadingHTTPServer(("0.0.0.0", 8025), Api).serve_forever()
