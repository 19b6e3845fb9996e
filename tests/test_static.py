from django.contrib.staticfiles import finders


def test_htmx_is_found_by_the_static_files_finders():
    assert finders.find("vendor/htmx-2.0.11.min.js") is not None
