"""What the browser tests share: viewports, demo logins, screenshots, logging in."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
DEMO_PASSWORD = "Shaoxing-2020"
DEMO_WORKER = "13900000001"  # a cross-industry worker living in Keqiao


def screenshot(page, name: str) -> Path:
    """Save the whole page as test-output/screenshots/<name>.png, for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, identifier: str = DEMO_WORKER, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real form, as a person would."""
    page.goto("/auth/login")
    page.locator("#identifier").fill(identifier)
    page.locator("#password").fill(password)
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state()
