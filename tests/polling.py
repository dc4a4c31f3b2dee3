"""Waiting on a page from the test's side."""
import time

import pytest


def until(page, expression: str, timeout: float = 30) -> None:
    """Poll from here: the site's CSP (no eval) rules out Playwright's wait_for_function."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if page.evaluate(expression):
                return
        except Exception:   # the page is navigating (reloading itself)
            pass
        time.sleep(0.05)
    pytest.fail(f"not true within {timeout} s: {expression}")
