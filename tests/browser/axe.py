"""axe-core (npm, pinned in tests/browser/package.json, installed by `make
test`) run inside a page the tests opened. It is loaded by the test through
the DevTools protocol, so Ferry never ships it and the pages' CSP (no inline
script) stays as it is."""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
INSTALL_HINT = "install it with `npm ci --prefix tests/browser` (`make test` does)"


def axe_source() -> str:
    if not AXE.is_file():
        raise AssertionError(f"axe-core is missing at {AXE}: {INSTALL_HINT}")
    return AXE.read_text()


def violations(page) -> list[str]:
    """axe's violations on the page as it is now, one line per rule and node."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, { resultTypes: ['violations'] });
            return result.violations.flatMap(v => v.nodes.map(n =>
                `${v.id} (${v.impact}): ${n.target.join(' ')}: ${n.failureSummary.replace(/\\s+/g, ' ')}`));
        }"""
    )
    return found
