"""A small Jira Cloud simulator for the browser tests, in the shapes of
Jira's REST v3 answers (the Rust behaviour tests have a fuller one in
tests/api/jira_sim): `/myself`, `/field` with a custom field `Story Points`,
the enhanced JQL search and its approximate count, on a free port of
127.0.0.1, checking HTTP Basic auth. A JQL naming an unknown field gets
Jira's 400 with `errorMessages`. `/user/search?query=` finds USERS by the
start of a name's word or of an address; `/user?accountId=` gives one."""

import base64
import json
import re
import threading
from urllib.parse import parse_qs, urlsplit
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EMAIL = "sim@example.com"
TOKEN = "sim-token-5c3cr3t"
DISPLAY_NAME = "Sim Robot"
ISSUES = 7
USERS = [
    {"accountId": "5b10a2844c20165700ede21g", "displayName": "Mia Krystof", "emailAddress": "mia@example.com"},
    {"accountId": "5fc9e78d2730d800760becc4", "displayName": "Zoë Ångström", "emailAddress": "zoe@example.org"},
]
KNOWN_JQL_FIELDS = {"project", "status", "key", "summary", "created", "updated", "assignee", "priority", "order", "by"}

FIELDS = [
    {"id": "issuekey", "key": "issuekey", "name": "Key", "custom": False},
    {"id": "summary", "key": "summary", "name": "Summary", "custom": False, "schema": {"type": "string"}},
    {"id": "status", "key": "status", "name": "Status", "custom": False, "schema": {"type": "status"}},
    {"id": "assignee", "key": "assignee", "name": "Assignee", "custom": False, "schema": {"type": "user"}},
    {"id": "priority", "key": "priority", "name": "Priority", "custom": False, "schema": {"type": "priority"}},
    {"id": "created", "key": "created", "name": "Created", "custom": False, "schema": {"type": "datetime"}},
    {"id": "updated", "key": "updated", "name": "Updated", "custom": False, "schema": {"type": "datetime"}},
    {"id": "customfield_10016", "key": "customfield_10016", "name": "Story Points", "custom": True,
     "schema": {"type": "number", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:float", "customId": 10016}},
]


def issue(n: int) -> dict:
    return {
        "id": str(10000 + n),
        "key": f"SIM-{n}",
        "fields": {
            "summary": f"Simulated issue {n}",
            "status": {"name": "To Do" if n % 2 else "Done", "id": "1"},
            "assignee": None,
            "priority": {"name": "Medium", "id": "3"},
            "created": f"2030-01-0{1 + n % 9}T10:00:00.000+0000",
            "updated": f"2030-02-0{1 + n % 9}T10:00:00.000+0000",
            "customfield_10016": n * 1.5,
        },
    }


def jql_problem(jql: str):
    for word in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=|!=|~|>|<|\bin\b)", jql):
        if word.lower() not in KNOWN_JQL_FIELDS:
            return f"Field '{word}' does not exist or you do not have permission to view it."
    return None


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status: int, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        expected = "Basic " + base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
        if self.headers.get("Authorization") == expected:
            return True
        self._send(401, {"errorMessages": ["Client must be authenticated to access this resource."]})
        return False

    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def do_GET(self):
        if not self._authorised():
            return
        path = self.path.split("?")[0]
        if path == "/rest/api/3/myself":
            self._send(200, {"accountId": "5b10sim", "displayName": DISPLAY_NAME, "emailAddress": EMAIL,
                             "timeZone": "Europe/Berlin"})
        elif path == "/rest/api/3/field":
            self._send(200, FIELDS)
        elif path == "/rest/api/3/user/search":
            q = (parse_qs(urlsplit(self.path).query).get("query") or [""])[0].lower()
            found = [dict(u, accountType="atlassian", active=True) for u in USERS if q and (
                any(w.lower().startswith(q) for w in u["displayName"].split()) or u["emailAddress"].startswith(q))]
            self._send(200, found)
        elif path == "/rest/api/3/user":
            wanted = (parse_qs(urlsplit(self.path).query).get("accountId") or [""])[0]
            found = [u for u in USERS if u["accountId"] == wanted]
            if found:
                self._send(200, dict(found[0], accountType="atlassian", active=True))
            else:
                self._send(404, {"errorMessages": ["Specified user does not exist"]})
        else:
            self._send(404, {"errorMessages": ["Not found"]})

    def do_POST(self):
        if not self._authorised():
            return
        path = self.path.split("?")[0]
        body = self._body()
        problem = jql_problem(body.get("jql", ""))
        if path in ("/rest/api/3/search/jql", "/rest/api/3/search/approximate-count") and problem:
            self._send(400, {"errorMessages": [problem], "errors": {}})
        elif path == "/rest/api/3/search/jql":
            wanted = body.get("fields") or []
            issues = []
            for n in range(1, ISSUES + 1):
                i = issue(n)
                i["fields"] = {k: v for k, v in i["fields"].items() if not wanted or k in wanted}
                issues.append(i)
            self._send(200, {"issues": issues, "isLast": True})
        elif path == "/rest/api/3/search/approximate-count":
            self._send(200, {"count": ISSUES})
        else:
            self._send(404, {"errorMessages": ["Not found"]})


class JiraSim:
    """The simulator on a free port; `url` is its base URL."""

    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
