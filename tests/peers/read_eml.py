"""Reads an .eml file with Python's own email package (a parser Ferry did not
write) and prints what a mail client would show, as JSON: the MIME tree's
content types, the plain text, the HTML, and the HTML's table as rows of cell
texts (entities decoded by html.parser)."""

import json
import sys
from email import policy
from email.parser import BytesParser
from html.parser import HTMLParser


class Table(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows, self.cell = [], None
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


with open(sys.argv[1], "rb") as f:
    message = BytesParser(policy=policy.default).parse(f)
types = [part.get_content_type() for part in message.walk()]
text = message.get_body(preferencelist=("plain",))
html = message.get_body(preferencelist=("html",))
table = Table()
if html is not None:
    table.feed(html.get_content())
print(json.dumps({
    "types": types,
    "text": text.get_content() if text is not None else None,
    "html": html.get_content() if html is not None else None,
    "table": table.rows,
    "tags": sorted(table.tags),
}))
