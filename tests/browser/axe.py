"""axe-core in the browser tests: the engine is vendored (tests/browser/vendor/axe-core, the npm package's
axe.min.js with its licence) and injected into the page under test; nothing is fetched at run time."""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: the rules the programme's pages are held to.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def violations(page):
    """The serious and critical violations axe finds on the page as it is now:
    [(rule, impact, target, summary)]."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        TAGS,
    )
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")[:200]
            found.append((violation["id"], violation["impact"], " ".join(map(str, node["target"])), summary))
    return found
