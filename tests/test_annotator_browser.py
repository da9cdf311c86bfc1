"""The annotator's walk (docs/annotators.md) in a real browser against a real doccano server.

Headless Chromium from the Debian package (``apt-get install -y chromium chromium-driver``),
driven by Selenium through that package's chromedriver, given by path, so that Selenium
Manager never downloads a browser or a driver. The server is the doccano 1.8.4 of
tests/doccano_server.py; the documents go in with ``eventcorpus doccano push --annotations``
and the browser's work comes back with ``eventcorpus doccano pull``.

The screenshots that docs/annotators.md shows are this test's: run it with
``EVENTCORPUS_SCREENSHOTS=docs/img`` to write them there (otherwise they go to a temporary
folder).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.corpus import read_records, write_records
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger, document_id
from eventcorpus.schema import load_schema
from tests.conftest import REPO
from tests.doccano_server import Server, serve

pytestmark = [pytest.mark.doccano, pytest.mark.slow]

CHROMIUM = ("chromium", "chromium-browser")
CHROMEDRIVER = "chromedriver"
INSTALL = "apt-get install -y chromium chromium-driver"
PROJECT = "walk"
# Emoji before and between the spans: doccano's browser counts UTF-16 units, the corpus code points.
TEXT = (
    "😀 Rockets struck the base near Baghdad on Monday. قصف العراق 🚀 "
    "Militia fighters seized a launcher near the airport."
)
ARABIC = "العراق"
WAIT = 60.0
runner = CliRunner()

# The selection an annotator makes with the mouse, made on the rendered text node itself:
# doccano reads it back (window.getSelection) on the click that ends a drag.
SELECT_AND_RELEASE = """
const word = arguments[0];
for (const el of document.querySelectorAll('#container svg text')) {
  const node = el.firstChild;
  if (!node || node.nodeType !== Node.TEXT_NODE) continue;
  const at = node.data.indexOf(word);
  if (at < 0) continue;
  const range = document.createRange();
  range.setStart(node, at);
  range.setEnd(node, at + word.length);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  const box = range.getBoundingClientRect();
  const click = new MouseEvent('click', {bubbles: true, clientX: box.right, clientY: box.bottom, view: window});
  document.getElementById('container').dispatchEvent(click);
  return el.id;
}
return null;
"""


def _chromium() -> tuple[str, str]:
    browser = next((path for name in CHROMIUM if (path := shutil.which(name))), None)
    driver = shutil.which(CHROMEDRIVER)
    if browser is None or driver is None:
        pytest.skip(f"Chromium is not installed here (Debian: `{INSTALL}`; .ci/run installs it)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        pytest.skip("selenium is not installed: pip install -e '.[test]'")
    return browser, driver


@dataclass
class Walk:
    server: Server
    driver: Any
    shots: Path
    project_id: int
    docs: Path

    def shot(self, name: str) -> Path:
        path = self.shots / name
        self.driver.save_screenshot(str(path))
        return path

    def wait(self, condition: Any, timeout: float = WAIT) -> Any:
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout).until(condition)


def _pre_annotations(doc: Document) -> AnnotationSet:
    """What `eventcorpus predict` would suggest: an attack with its instrument and target."""

    def at(phrase: str) -> tuple[int, int]:
        start = doc.text.index(phrase)
        return start, start + len(phrase)

    rockets, base, struck = at("Rockets"), at("the base"), at("struck")
    return AnnotationSet(
        doc.id,
        "model",
        [Entity("T1", *rockets, "WEA"), Entity("T2", *base, "FAC")],
        [
            Event(
                "E1",
                "Conflict:Attack",
                Trigger(*struck),
                [Argument("Instrument", "T1"), Argument("Target", "T2")],
                {"modality": "asserted"},
            )
        ],
    )


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walk]:
    browser, chromedriver = _chromium()
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager: never fetch anything
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    work = tmp_path_factory.mktemp("annotator-walk")
    doc = Document(document_id(TEXT), TEXT, title="Rockets struck the base", source="browser test")
    docs = work / "documents.jsonl"
    write_records(docs, [Record(doc, AnnotationSet(doc.id, "unannotated"))])
    pre = work / "preannotations.jsonl"
    write_records(pre, [Record(doc, _pre_annotations(doc))])
    shots = Path(os.environ.get("EVENTCORPUS_SCREENSHOTS") or work / "screenshots")
    if not shots.is_absolute():
        shots = REPO / shots
    shots.mkdir(parents=True, exist_ok=True)

    for server in serve(work / "doccano-home"):
        env = {"EVENTCORPUS_DOCCANO_USER": server.admin, "EVENTCORPUS_DOCCANO_PASSWORD": server.password}
        pushed = runner.invoke(
            app,
            ["doccano", "push", str(docs), "--project", PROJECT, "--url", server.url, "--annotations", str(pre)],
            env=env,
        )
        assert pushed.exit_code == 0, pushed.output
        with server.client() as client:
            project_id = int(client.project(PROJECT)["id"])

        options = webdriver.ChromeOptions()
        options.binary_location = browser
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900"):
            options.add_argument(argument)
        options.add_argument("--lang=en-US")
        driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
        try:
            yield Walk(server, driver, shots, project_id, work)
        finally:
            driver.quit()


def _log_in(walk: Walk) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    walk.driver.get(walk.server.url + "/auth")
    walk.wait(ec.presence_of_element_located((By.NAME, "username"))).send_keys(walk.server.admin)
    walk.driver.find_element(By.NAME, "password").send_keys(walk.server.password)
    walk.shot("01-login.png")
    walk.driver.find_element(By.XPATH, "//div[contains(@class,'v-card__actions')]//button").click()
    walk.wait(ec.url_contains("/projects?"))


def _open_project(walk: Walk) -> None:
    """The project list, then the project's page (doccano's pages render only when reached this way)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    walk.driver.get(walk.server.url + "/projects")
    walk.wait(ec.element_to_be_clickable((By.LINK_TEXT, PROJECT))).click()
    walk.wait(ec.presence_of_element_located((By.XPATH, "//*[contains(., 'Welcome to Doccano')]")))
    time.sleep(1)  # the menu's targets need the project's type, fetched after the page shows


def _open_annotation(walk: Walk) -> None:
    """From the project list: the project, then 'Start Annotation' (the annotator's path)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    _open_project(walk)
    walk.wait(ec.element_to_be_clickable((By.XPATH, "//button[contains(., 'Start Annotation')]"))).click()
    walk.wait(ec.url_contains("/sequence-labeling"))
    walk.wait(ec.presence_of_element_located((By.CSS_SELECTOR, "#container svg text[id]")))
    time.sleep(1)  # spans and relations are drawn after the text


def _span_labels(walk: Walk) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.text for e in walk.driver.find_elements(By.CSS_SELECTOR, "#container svg g[style*='cursor'] > text")]


def _page_text(walk: Walk) -> str:
    """The rendered document, line by line as doccano drew it."""
    from selenium.webdriver.common.by import By

    return "".join(
        e.get_attribute("textContent") or ""
        for e in walk.driver.find_elements(By.CSS_SELECTOR, "#container svg text[id*=':']")
    )


def test_annotator_logs_in_and_finds_the_pushed_project(walk: Walk) -> None:
    from selenium.webdriver.common.by import By

    _log_in(walk)
    walk.wait(lambda d: d.find_elements(By.LINK_TEXT, PROJECT))
    walk.shot("02-projects.png")
    assert walk.driver.find_element(By.LINK_TEXT, PROJECT).is_displayed()


def _chips(walk: Walk) -> list[str]:
    """The label chips of the annotation page's side panel (name, then its key)."""
    from selenium.webdriver.common.by import By

    chips = walk.driver.find_elements(By.CSS_SELECTOR, ".v-chip .v-chip__content")
    return [c.text.split("\n")[0].strip() for c in chips if c.text.strip()]


def _switch_mode(walk: Walk) -> None:
    """The side panel's Span / Relation switch."""
    from selenium.webdriver.common.by import By

    walk.driver.find_element(By.XPATH, "//div[contains(@class,'v-input--switch')]").click()


def test_the_projects_labels_are_the_schemas(walk: Walk) -> None:
    from selenium.webdriver.common.by import By

    schema = load_schema()
    _open_project(walk)
    walk.driver.find_element(
        By.XPATH, "//div[contains(@class,'v-list-item__title')][normalize-space()='Labels']"
    ).click()
    walk.wait(lambda d: "MONEY" in d.find_element(By.TAG_NAME, "body").text)
    walk.shot("03-labels.png")
    page = walk.driver.find_element(By.TAG_NAME, "body").text
    assert [name for name in schema.entity_types if name not in page] == []

    # every label an annotator can pick, as the annotation page's side panel lists them
    _open_annotation(walk)
    spans = _chips(walk)
    assert set(spans) >= {*schema.entity_types, *schema.event_types}, spans
    _switch_mode(walk)
    walk.wait(lambda d: "Instrument" in _chips(walk))
    roles = {role for event in schema.event_types.values() for role in event.roles}
    assert roles <= set(_chips(walk))
    _switch_mode(walk)


def test_document_and_pre_annotations_are_on_the_page(walk: Walk) -> None:
    _open_annotation(walk)
    walk.shot("04-pre-annotations.png")
    assert _page_text(walk) == TEXT  # emoji and Arabic drawn as they are, nothing lost
    labels = _span_labels(walk)
    assert "WEA" in labels and "FAC" in labels
    assert any(label.startswith("Conflict:Att") for label in labels)  # doccano shortens long labels
    body = walk.driver.find_element("tag name", "body").text
    assert "Instrument" in body and "Target" in body  # the relations' labels over the arrows


def test_span_and_relation_made_in_the_browser_come_back_through_pull_exactly(walk: Walk) -> None:
    from selenium.webdriver.common.by import By

    _open_annotation(walk)
    line = walk.driver.execute_script(SELECT_AND_RELEASE, ARABIC)
    assert line is not None, f"{ARABIC!r} is not on the page"
    menu = walk.wait(lambda d: [m for m in d.find_elements(By.CSS_SELECTOR, ".v-menu__content") if m.is_displayed()])[0]
    walk.shot("05-choose-label.png")
    menu.find_element(By.XPATH, ".//div[contains(@class,'v-list-item__title')][normalize-space()='GPE']").click()
    walk.wait(lambda d: "GPE" in _span_labels(walk))

    # relation mode, the role, then the trigger and the argument
    _switch_mode(walk)
    walk.wait(
        lambda d: d.find_elements(By.XPATH, "//span[contains(@class,'v-chip__content')][normalize-space()='Place']")
    )
    walk.driver.find_element(By.XPATH, "//span[contains(@class,'v-chip__content')][normalize-space()='Place']").click()
    labels = walk.driver.find_elements(By.CSS_SELECTOR, "#container svg g[style*='cursor'] > text")
    next(e for e in labels if e.text.startswith("Conflict:Att")).click()
    next(e for e in labels if e.text == "GPE").click()
    walk.wait(lambda d: "Place" in [e.text for e in d.find_elements(By.CSS_SELECTOR, "#container svg text")])
    walk.shot("06-relation.png")

    env = {"EVENTCORPUS_DOCCANO_USER": walk.server.admin, "EVENTCORPUS_DOCCANO_PASSWORD": walk.server.password}
    out = walk.docs / "pulls"
    pulled = runner.invoke(
        app, ["doccano", "pull", "--project", PROJECT, "--url", walk.server.url, "--out", str(out)], env=env
    )
    assert pulled.exit_code == 0, pulled.output
    match = re.search(r"into (\S+) ", pulled.output)
    assert match, pulled.output
    (record,) = read_records(Path(match.group(1)) / f"{walk.server.admin}.jsonl")
    assert record.document.text == TEXT
    start = TEXT.index(ARABIC)  # code points: the emoji before it counts one, not two
    gpe = [e for e in record.annotations.entities if e.label == "GPE"]
    assert [(e.start, e.end) for e in gpe] == [(start, start + len(ARABIC))]
    assert TEXT[gpe[0].start : gpe[0].end] == ARABIC
    (attack,) = record.annotations.events
    assert (attack.type, TEXT[attack.trigger.start : attack.trigger.end]) == ("Conflict:Attack", "struck")
    by_id = {e.id: e for e in record.annotations.entities}
    arguments = sorted((a.role, TEXT[by_id[a.entity_id].start : by_id[a.entity_id].end]) for a in attack.arguments)
    assert arguments == [("Instrument", "Rockets"), ("Place", ARABIC), ("Target", "the base")]
    assert attack.attributes.get("modality") == "asserted"  # the pre-annotation's attribute survives


def test_annotators_doc_shows_the_screenshots_this_test_takes(repo: Path) -> None:
    doc = (repo / "docs" / "annotators.md").read_text(encoding="utf-8")
    shown = re.findall(r"\]\((img/[^)]+\.png)\)", doc)
    taken = {
        "img/01-login.png",
        "img/02-projects.png",
        "img/03-labels.png",
        "img/04-pre-annotations.png",
        "img/05-choose-label.png",
        "img/06-relation.png",
    }
    assert set(shown) == taken
    assert all((repo / "docs" / name).is_file() for name in shown)
