import re
from pathlib import Path

from django.contrib.staticfiles import finders


def test_htmx_is_found_by_the_static_files_finders():
    assert finders.find("vendor/htmx-2.0.11.min.js") is not None


def test_stylesheet_and_favicon_are_found_by_the_static_files_finders():
    assert finders.find("stplan.css") is not None
    assert finders.find("favicon.svg") is not None


def test_pages_link_the_stylesheet_and_the_favicon(client, db):
    html = client.get("/guides/").content.decode()

    assert '<link rel="stylesheet" href="/static/stplan.css">' in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html


def test_stylesheet_braces_balance():
    """An unclosed @media block would silently apply every later rule at one width only."""
    css = re.sub(r"/\*.*?\*/", "", Path(finders.find("stplan.css")).read_text(encoding="utf-8"), flags=re.S)
    depth = 0
    for character in css:
        depth += {"{": 1, "}": -1}.get(character, 0)
        assert depth >= 0
    assert depth == 0
